package io.vippy.core.reconciler;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with jitter, so that many failing load balancers do not retry in lock step. */
final class Backoff {
    private static final long FIRST_MS = 200;
    private static final long MAX_MS = 30_000;

    private Backoff() {
    }

    /** The delay before retry number {@code attempt} (1 for the first retry): half to all of the doubled base. */
    static Duration delay(int attempt) {
        long base = FIRST_MS << Math.min(attempt - 1, 20);
        long capped = Math.min(base, MAX_MS);
        return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
    }
}
