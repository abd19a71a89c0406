package io.vippy.health;

import static io.vippy.core.model.BackendHealth.HEALTHY;
import static io.vippy.core.model.BackendHealth.UNHEALTHY;
import static io.vippy.core.model.BackendHealth.UNKNOWN;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vippy.core.model.BackendHealth;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RiseFallTest {

    private static List<BackendHealth> feed(RiseFall state, boolean... results) {
        List<BackendHealth> seen = new ArrayList<>();
        for (boolean ok : results) {
            seen.add(state.record(ok));
        }
        return seen;
    }

    @Test
    void unknownBecomesHealthyAfterRiseSuccessesInARow() {
        assertEquals(List.of(UNKNOWN, UNKNOWN, UNKNOWN, HEALTHY),
                feed(new RiseFall(UNKNOWN, 2, 3), true, false, true, true));
    }

    @Test
    void healthyBecomesUnhealthyOnlyAfterFallFailuresInARow() {
        assertEquals(List.of(HEALTHY, HEALTHY, HEALTHY, HEALTHY, HEALTHY, UNHEALTHY),
                feed(new RiseFall(HEALTHY, 2, 3), false, false, true, false, false, false));
    }

    @Test
    void unhealthyNeedsRiseSuccessesToComeBack() {
        assertEquals(List.of(UNHEALTHY, UNHEALTHY, UNHEALTHY, HEALTHY, HEALTHY),
                feed(new RiseFall(UNHEALTHY, 2, 3), true, false, true, true, false));
    }

    @Test
    void unknownBecomesUnhealthyAfterFallFailures() {
        assertEquals(List.of(UNHEALTHY), feed(new RiseFall(UNKNOWN, 1, 1), false));
    }
}
