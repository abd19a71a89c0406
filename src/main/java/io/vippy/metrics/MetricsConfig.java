package io.vippy.metrics;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.vippy.core.config.PositiveDuration;
import java.time.Duration;

/** Settings of Vippy's own metrics ({@code vippy.metrics.*}); they are served at {@code /q/metrics}. */
@ConfigMapping(prefix = "vippy.metrics")
public interface MetricsConfig {

    /** How often kernel counters, backend health and BGP sessions are read for the metrics. */
    @WithDefault("5s")
    @WithConverter(PositiveDuration.class)
    Duration refreshInterval();
}
