package io.vippy.metrics;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ReadPacingTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private final ReadPacing pacing = new ReadPacing(20);

    @Test
    void theFirstReadIsDueAtOnce() {
        assertTrue(pacing.due(Long.MIN_VALUE));
        assertTrue(pacing.due(0));
    }

    @Test
    void aReadOf600MsMakesTheNextWaitNineteenTimesThat() {
        long started = 1_000 * MS;
        pacing.took(started, started + 600 * MS);
        assertFalse(pacing.due(started + 600 * MS + 5_000 * MS), "a metrics tick 5 s later reads nothing");
        assertFalse(pacing.due(started + 600 * MS + 11_399 * MS));
        assertTrue(pacing.due(started + 600 * MS + 11_400 * MS), "600 ms in every 12 s: 5 %");
    }

    @Test
    void aFastReadLeavesEveryTickDue() {
        pacing.took(0, 2 * MS);
        assertTrue(pacing.due(5_000 * MS));
        assertTrue(pacing.due(40 * MS));
    }

    @Test
    void theNanoClockMayBeNegativeOrWrap() {
        pacing.took(Long.MAX_VALUE - MS, Long.MAX_VALUE);
        assertFalse(pacing.due(Long.MAX_VALUE + MS), "19 ms after the read (wrapped): not yet");
        assertTrue(pacing.due(Long.MAX_VALUE + 19 * MS), "19 ms after the read (wrapped)");
    }
}
