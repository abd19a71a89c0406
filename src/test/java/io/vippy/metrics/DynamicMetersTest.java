package io.vippy.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class DynamicMetersTest {

    @Test
    void valuesFollowEachRefreshAndMetersOfGoneObjectsAreRemoved() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DynamicMeters meters = new DynamicMeters(registry);
        meters.counter("vippy.backend.connections", "c", "connections", Tags.of("backend", "a"), 3);
        meters.counter("vippy.backend.connections", "c", "connections", Tags.of("backend", "b"), 4);
        meters.sweep();
        assertEquals(3, registry.get("vippy.backend.connections").tag("backend", "a").functionCounter().count());

        meters.counter("vippy.backend.connections", "c", "connections", Tags.of("backend", "a"), 10);
        meters.sweep();
        assertEquals(10, registry.get("vippy.backend.connections").tag("backend", "a").functionCounter().count());
        assertNull(registry.find("vippy.backend.connections").tag("backend", "b").functionCounter(),
                "the backend that was not refreshed is gone");
        assertEquals(1, registry.getMeters().size());
    }

    @Test
    void aKernelCounterThatRestartsKeepsItsSeriesRisingFromWhereItWas() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DynamicMeters meters = new DynamicMeters(registry);
        Tags backend = Tags.of("backend", "a");
        for (double raw : new double[] {20, 5, 8, 0, 2}) {
            meters.counter("vippy.backend.connections", "c", "connections", backend, raw);
            meters.sweep();
        }
        assertEquals(30, registry.get("vippy.backend.connections").tag("backend", "a").functionCounter().count(),
                "20 before the first restart, 8 in the second run, 2 in the third");
    }
}
