package io.vippy.api;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.vippy.core.config.StrictBoolean;
import java.util.Optional;

/** {@code vippy.api.*}: who may call the API. */
@ConfigMapping(prefix = "vippy.api")
public interface ApiConfig {

    /** The bearer token; unset: generated at start-up, when missing, into {@code data-dir/api-token}. */
    Optional<String> token();

    /** {@code false} turns authentication off (local development only). */
    @WithDefault("true")
    @WithConverter(StrictBoolean.class)
    boolean auth();
}
