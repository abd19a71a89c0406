package io.vippy.health;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.vippy.core.config.StrictBoolean;

/** Settings of the backend health checker ({@code vippy.health.*}); each load balancer's check is in its API spec. */
@ConfigMapping(prefix = "vippy.health")
public interface HealthConfig {

    /** {@code false} runs no checks at all: every backend stays {@code unknown}, which counts as usable. */
    @WithDefault("true")
    @WithConverter(StrictBoolean.class)
    boolean enabled();

    /** Event-loop threads that run every check; one handles thousands of backends at a 1 s interval. */
    @WithDefault("1")
    int threads();
}
