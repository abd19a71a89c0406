package io.vippy.bgp.session;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Delay before the next connection attempt: none for the first, then 1 s doubling up to 2 min, each
 * multiplied by a random 0.75..1.0 (RFC 4271 §10 jitter) so that many speakers do not retry in step.
 */
final class ReconnectBackoff {
    static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    static final Duration MAX = Duration.ofMinutes(2);

    private final RandomGenerator random;
    private int failures;

    ReconnectBackoff(RandomGenerator random) {
        this.random = random;
    }

    /** The delay before the next attempt; each call counts one more failed attempt. */
    Duration next() {
        int attempt = failures++;
        if (attempt == 0) {
            return Duration.ZERO;
        }
        long base = Math.min(MAX.toMillis(), FIRST_RETRY.toMillis() << Math.min(attempt - 1, 20));
        return Duration.ofMillis((long) (base * (0.75 + 0.25 * random.nextDouble())));
    }

    /** After a session reached Established: the next attempt is immediate again. */
    void reset() {
        failures = 0;
    }
}
