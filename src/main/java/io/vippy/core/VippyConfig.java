package io.vippy.core;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.vippy.core.config.NonNegativeDuration;
import io.vippy.core.config.StrictBoolean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Top-level settings (the {@code vippy.*} keys that no single subsystem owns). */
@ConfigMapping(prefix = "vippy")
public interface VippyConfig {

    /** {@code equinix-metal} or {@code static}; unset: Metal when a Metal token is configured. */
    Optional<String> provider();

    /** {@code auto}, {@code ipvs} or {@code nftables}. */
    @WithDefault("auto")
    String dataplane();

    /** Where durable state and the generated API token live. */
    @WithDefault("/var/lib/vippy")
    Path dataDir();

    /** {@code sqlite} or {@code etcd}. */
    @WithDefault("sqlite")
    String store();

    /** Whether this node is one of a cluster sharing its state (the etcd store). */
    default boolean clustered() {
        return "etcd".equals(store());
    }

    /**
     * A named network namespace ({@code /run/netns/NAME}) in which Vippy binds addresses, programs the
     * dataplane and opens BGP sessions; unset: the daemon's own. The API still listens where the daemon runs.
     */
    Optional<String> netns();

    /**
     * Whether a load balancer whose backends are all unhealthy (DEGRADED) stops being announced, so that the
     * routers send its traffic to a node that can serve it. Announced again when a backend recovers.
     */
    @WithDefault("true")
    @WithConverter(StrictBoolean.class)
    boolean withdrawWhenDegraded();

    /**
     * On delete, how long the route stays announced with the graceful-shutdown community (65535:0) before it is
     * withdrawn, so that routers move new traffic away first. Skipped when no BGP peer is established.
     */
    @WithDefault("5s")
    @WithConverter(NonNegativeDuration.class)
    Duration drainDelay();
}
