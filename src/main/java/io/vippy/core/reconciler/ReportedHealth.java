package io.vippy.core.reconciler;

import io.vippy.core.model.Backend;
import io.vippy.core.model.BackendHealth;
import io.vippy.core.model.LoadBalancer;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Health verdicts that health checking reported but the kernel does not have yet. A pass programs the load
 * balancer with them applied and only then records them, so the API never shows a backend as unhealthy while the
 * kernel still sends it new connections (and a concurrent pass programs the same verdicts, never older ones).
 */
final class ReportedHealth {
    /** By load balancer, then backend; the inner maps are immutable, replaced whole. */
    private final Map<UUID, Map<UUID, BackendHealth>> pending = new ConcurrentHashMap<>();

    /** Records a verdict; false when the load balancer already has it (pending or recorded): no pass is owed. */
    boolean report(LoadBalancer lb, UUID backend, BackendHealth health) {
        BackendHealth current = pending.getOrDefault(lb.uuid(), Map.of()).get(backend);
        if (current == null) {
            current = lb.backend(backend).map(Backend::health).orElse(health);
        }
        if (current == health) {
            return false;
        }
        pending.compute(lb.uuid(), (uuid, verdicts) -> {
            Map<UUID, BackendHealth> changed = verdicts == null ? new HashMap<>() : new HashMap<>(verdicts);
            changed.put(backend, health);
            return Map.copyOf(changed);
        });
        return true;
    }

    /** The verdicts pending for this load balancer now (later reports wait for the next pass). */
    Map<UUID, BackendHealth> snapshot(UUID lb) {
        return pending.getOrDefault(lb, Map.of());
    }

    /** The load balancer with these verdicts applied to the backends it still has. */
    static LoadBalancer apply(LoadBalancer lb, Map<UUID, BackendHealth> verdicts) {
        if (verdicts.isEmpty()) {
            return lb;
        }
        return lb.withBackends(lb.backends().stream()
                .map(b -> verdicts.containsKey(b.uuid()) ? b.withHealth(verdicts.get(b.uuid())) : b)
                .toList());
    }

    /** Forgets verdicts now recorded, unless a newer one came meanwhile. */
    void recorded(UUID lb, Map<UUID, BackendHealth> verdicts) {
        pending.computeIfPresent(lb, (uuid, waiting) -> {
            Map<UUID, BackendHealth> left = new HashMap<>(waiting);
            // remove(key, value): a verdict that changed since the pass took its snapshot stays pending.
            verdicts.forEach(left::remove);
            return left.isEmpty() ? null : Map.copyOf(left);
        });
    }

    void forget(UUID lb) {
        pending.remove(lb);
    }
}
