package io.vippy.core.reconciler;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DrainWaitTest {
    private static final Duration QUIET = Duration.ofMillis(200);
    private static final Duration ANSWER = Duration.ofSeconds(30);
    private final DrainWait wait = new DrainWait(Duration.ofMillis(20), QUIET);

    @Test
    void countersStandingStillEndTheWaitAfterTheQuietTimeNotTheDrainDelay() {
        DrainWait.Outcome outcome = wait.untilQuiet(() -> Uni.createFrom().item(42L), Duration.ofSeconds(20))
                .await().atMost(ANSWER);
        assertTrue(outcome.quiet(), outcome.toString());
        assertTrue(outcome.waited().compareTo(QUIET) >= 0, outcome.toString());
    }

    @Test
    void connectionsThatKeepArrivingLastUntilTheDrainDelay() {
        AtomicInteger reads = new AtomicInteger();
        DrainWait.Outcome outcome = wait.untilQuiet(() -> Uni.createFrom().item((long) reads.incrementAndGet()),
                Duration.ofMillis(600)).await().atMost(ANSWER);
        assertFalse(outcome.quiet(), outcome.toString());
        assertTrue(outcome.waited().compareTo(Duration.ofMillis(600)) >= 0, outcome.toString());
    }

    @Test
    void quietIsCountedFromTheLastNewConnection() {
        AtomicInteger reads = new AtomicInteger();
        AtomicLong lastGrowth = new AtomicLong();
        DrainWait.Outcome outcome = wait.untilQuiet(() -> Uni.createFrom().item(() -> {
            int read = reads.incrementAndGet();
            if (read <= 15) {
                lastGrowth.set(System.nanoTime());
            }
            return (long) Math.min(read, 15);
        }), Duration.ofSeconds(20)).await().atMost(ANSWER);
        long ended = System.nanoTime();
        assertTrue(outcome.quiet(), outcome.toString());
        assertTrue(reads.get() > 15, "read on after the last change: " + reads);
        assertTrue(ended - lastGrowth.get() >= QUIET.toNanos(), "ended " + (ended - lastGrowth.get()) / 1_000_000
                + " ms after the last new connection");
    }

    @Test
    void unreadableCountersNeverPassForQuiet() {
        DrainWait.Outcome outcome = wait.untilQuiet(() -> Uni.createFrom().failure(new IllegalStateException("no table")),
                Duration.ofMillis(600)).await().atMost(ANSWER);
        assertFalse(outcome.quiet(), outcome.toString());
    }
}
