package io.vippy.bfd.session;

import java.time.Duration;

/**
 * The local timer parameters of every session: {@code interval} is both the desired minimum transmit interval
 * and the required minimum receive interval; {@code multiplier} is the detect multiplier (RFC 5880 §6.8.1).
 */
public record BfdTimers(Duration interval, int multiplier) {
    /** While a session is not Up it transmits at most once a second (RFC 5880 §6.8.3). */
    public static final Duration SLOW_INTERVAL = Duration.ofSeconds(1);

    public BfdTimers {
        if (interval.toNanos() < 1000 || interval.toNanos() / 1000 > 0xffff_ffffL) {
            throw new IllegalArgumentException("interval must be 1 us..4294 s, not " + interval);
        }
        if (multiplier < 1 || multiplier > 255) {
            throw new IllegalArgumentException("multiplier must be 1..255, not " + multiplier);
        }
    }

    long intervalMicros() {
        return interval.toNanos() / 1000;
    }

    long slowIntervalMicros() {
        return Math.max(SLOW_INTERVAL.toNanos() / 1000, intervalMicros());
    }
}
