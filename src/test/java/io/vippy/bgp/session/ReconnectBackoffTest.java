package io.vippy.bgp.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class ReconnectBackoffTest {

    @Test
    void immediateThenOneSecondDoublingToTwoMinutesWithJitterAndResetOnSuccess() {
        ReconnectBackoff backoff = new ReconnectBackoff(RandomGenerator.of("L64X128MixRandom"));
        assertEquals(Duration.ZERO, backoff.next());
        long[] bases = {1, 2, 4, 8, 16, 32, 64, 120, 120, 120};
        for (long base : bases) {
            long millis = backoff.next().toMillis();
            assertTrue(millis >= base * 750 && millis <= base * 1000, millis + " ms for base " + base + " s");
        }
        backoff.reset();
        assertEquals(Duration.ZERO, backoff.next());
    }
}
