package io.vippy.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Meters whose set follows configured objects (load balancers, backends, peers): each refresh sets the values
 * it has, registering a meter the first time; {@link #sweep} removes the meters of objects that are gone, so
 * label cardinality stays bounded by what is configured. Scrapes read the values of the last refresh.
 */
final class DynamicMeters {
    private final MeterRegistry registry;
    private final Map<String, Double> values = new ConcurrentHashMap<>();
    private final Map<String, Meter> meters = new HashMap<>();
    private final Set<String> setSinceSweep = new HashSet<>();
    /** Per counter, the kernel's last raw value and what earlier runs of it (before resets) had counted. */
    private final Map<String, double[]> counterRuns = new HashMap<>();

    DynamicMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * A count as the kernel reports it. The kernel's counter restarts when its object is re-created (nftables
     * slots change hands when a load balancer's slot plan changes): a value below the last one starts a new
     * run, added to what the earlier runs counted, so the series keeps rising instead of stalling or dropping.
     */
    synchronized void counter(String name, String description, String baseUnit, Tags tags, double value) {
        double[] run = counterRuns.computeIfAbsent(name + tags, k -> new double[2]);
        if (value < run[0]) {
            run[1] += run[0];
        }
        run[0] = value;
        String key = set(name, tags, run[1] + value);
        meters.computeIfAbsent(key, k -> FunctionCounter.builder(name, values, v -> v.getOrDefault(k, 0.0))
                .description(description).baseUnit(baseUnit).tags(tags).register(registry));
    }

    synchronized void gauge(String name, String description, Tags tags, double value) {
        String key = set(name, tags, value);
        meters.computeIfAbsent(key, k -> Gauge.builder(name, values, v -> v.getOrDefault(k, 0.0))
                .description(description).tags(tags).register(registry));
    }

    private String set(String name, Tags tags, double value) {
        String key = name + tags;
        values.put(key, value);
        setSinceSweep.add(key);
        return key;
    }

    /** Removes every meter not set since the previous sweep. */
    synchronized void sweep() {
        meters.entrySet().removeIf(entry -> {
            if (setSinceSweep.contains(entry.getKey())) {
                return false;
            }
            registry.remove(entry.getValue());
            values.remove(entry.getKey());
            counterRuns.remove(entry.getKey());
            return true;
        });
        setSinceSweep.clear();
    }

    /** Removes every meter, at shutdown: a registry that outlives the application must not read stale values. */
    synchronized void removeAll() {
        setSinceSweep.clear();
        sweep();
    }
}
