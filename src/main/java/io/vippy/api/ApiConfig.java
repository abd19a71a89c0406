package io.vippy.api;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** {@code vippy.api.*}: who may call the API. */
@ConfigMapping(prefix = "vippy.api")
public interface ApiConfig {

    /** The bearer token; unset: generated on first start into {@code data-dir/api-token}. */
    Optional<String> token();

    /** {@code false} turns authentication off (local development only). */
    @WithDefault("true")
    boolean auth();
}
