package io.vippy.address.metal;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.vippy.core.config.PositiveDuration;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Settings of the Equinix Metal provider and BGP discovery. The token, project and location keep the
 * seed's environment variables ({@link MetalCredentials}); everything here has a default.
 */
@ConfigMapping(prefix = "vippy.metal")
public interface MetalConfig {

    @WithDefault("https://api.equinix.com/metal/v1")
    URI apiUrl();

    @WithDefault("https://metadata.platformequinix.com")
    URI metadataUrl();

    /** Per HTTP request, connecting included. */
    @WithDefault("10s")
    @WithConverter(PositiveDuration.class)
    Duration requestTimeout();

    /** What to do with a reservation whose load balancer no longer exists. */
    @WithDefault("release")
    OrphanPolicy orphanPolicy();

    @WithDefault("5m")
    @WithConverter(PositiveDuration.class)
    Duration orphanScanInterval();

    /**
     * Names this Vippy's reservations ({@code vippy:cluster=<id>}). Default: the host name, which stays
     * put across restarts and data-dir wipes (a wiped store then releases the old reservations as orphans,
     * rather than leaking them under a fresh random id). Set it when two hosts share a host name.
     */
    @WithConverter(ClusterIdConverter.class)
    Optional<String> clusterId();

    /** This device's host name in Metal, for finding it when the metadata service does not answer. */
    Optional<String> hostname();

    /** {@code per_page} of list calls (the API allows 1 to 1000). */
    @WithDefault("250")
    int pageSize();

    Retry retry();

    /** Bounds of retrying transient failures (5xx, 429, timeouts, dropped connections). */
    interface Retry {
        @WithDefault("6")
        int maxAttempts();

        @WithDefault("250ms")
        Duration initialBackoff();

        @WithDefault("10s")
        Duration maxBackoff();

        @WithDefault("60s")
        Duration maxRateLimitWait();
    }
}
