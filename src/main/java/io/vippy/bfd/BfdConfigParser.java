package io.vippy.bfd;

import io.vippy.bfd.session.BfdTimers;
import io.vippy.core.model.InvalidConfigException;
import java.time.Duration;

/** Checks {@link BfdConfig}; every mistake names its property. */
final class BfdConfigParser {
    static final Duration MIN_INTERVAL = Duration.ofMillis(10);
    static final Duration MAX_INTERVAL = Duration.ofSeconds(60);

    private BfdConfigParser() {
    }

    static BfdTimers timers(BfdConfig config) {
        Duration interval = config.interval();
        if (interval.compareTo(MIN_INTERVAL) < 0 || interval.compareTo(MAX_INTERVAL) > 0) {
            throw new InvalidConfigException("vippy.bfd.interval", interval.toMillis() + " ms: must be 10 ms..60 s");
        }
        if (config.multiplier() < 1 || config.multiplier() > 255) {
            throw new InvalidConfigException("vippy.bfd.multiplier", config.multiplier() + ": must be 1..255");
        }
        return new BfdTimers(interval, config.multiplier());
    }
}
