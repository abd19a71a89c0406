package io.vippy.api;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.vippy.core.config.StrictBoolean;
import java.time.Duration;
import java.util.Optional;

/** {@code vippy.api.*}: who may call the API, and how often its TLS files are read again. */
@ConfigMapping(prefix = "vippy.api")
public interface ApiConfig {

    /** The bearer token; unset: generated at start-up, when missing, into {@code data-dir/api-token}. */
    Optional<String> token();

    /** {@code false} turns authentication off (local development only). */
    @WithDefault("true")
    @WithConverter(StrictBoolean.class)
    boolean auth();

    /**
     * How often the API's TLS files ({@code quarkus.http.ssl.certificate.*}) are read again, so that a renewed
     * certificate is served without a restart ({@code api.tls.ApiCertificateReloader}).
     */
    @WithDefault("1m")
    Duration tlsReloadPeriod();
}
