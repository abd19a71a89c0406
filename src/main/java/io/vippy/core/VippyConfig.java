package io.vippy.core;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
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

    /**
     * A named network namespace ({@code /run/netns/NAME}) in which Vippy binds addresses, programs the
     * dataplane and opens BGP sessions; unset: the daemon's own. The API still listens where the daemon runs.
     */
    Optional<String> netns();
}
