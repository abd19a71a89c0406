package io.vippy.core.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vippy.core.RealServer;
import io.vippy.core.model.Addresses;
import io.vippy.core.model.Backend;
import io.vippy.core.model.BackendHealth;
import io.vippy.core.model.HealthCheckSpec;
import io.vippy.core.model.IpFamily;
import io.vippy.core.model.LoadBalancer;
import io.vippy.core.model.LoadBalancerStatus;
import io.vippy.core.model.Protocol;
import io.vippy.core.model.Scheduler;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** How backend health shapes what the reconciler programs and whether a load balancer is degraded. */
class ReconcilerHealthTest {

    private static Backend backend(int last, int weight, BackendHealth health) {
        return new Backend(UUID.randomUUID(), Addresses.parseLiteral("10.0.0." + last, "ip"), 80, weight, health);
    }

    private static LoadBalancer withBackends(Backend... backends) {
        return new LoadBalancer(UUID.randomUUID(), "lb", 80, Protocol.TCP, Scheduler.WRR, IpFamily.IPV4,
                HealthCheckSpec.DEFAULT, Addresses.parseLiteral("203.0.113.1", "eip"), List.of(backends),
                LoadBalancerStatus.ACTIVE, "");
    }

    @Test
    void unhealthyBackendsAreProgrammedWithWeightZeroAndTheOthersKeepTheirs() {
        LoadBalancer lb = withBackends(backend(1, 5, BackendHealth.HEALTHY), backend(2, 7, BackendHealth.UNHEALTHY),
                backend(3, 3, BackendHealth.UNKNOWN), backend(4, 0, BackendHealth.HEALTHY));
        assertEquals(List.of(5, 0, 3, 0),
                Reconciler.virtualService(lb).reals().stream().map(RealServer::weight).toList());
    }

    @Test
    void degradedOnlyWhenThereAreBackendsAndNoneIsUsable() {
        assertFalse(Reconciler.isDegraded(withBackends()), "no backends: nothing to be degraded about");
        assertTrue(Reconciler.isDegraded(withBackends(backend(1, 1, BackendHealth.UNHEALTHY),
                backend(2, 1, BackendHealth.UNHEALTHY))));
        assertFalse(Reconciler.isDegraded(withBackends(backend(1, 1, BackendHealth.UNHEALTHY),
                backend(2, 1, BackendHealth.UNKNOWN))), "unknown counts as usable");
        assertFalse(Reconciler.isDegraded(withBackends(backend(1, 0, BackendHealth.HEALTHY))),
                "a drained but healthy backend is the operator's choice, not a failure");
    }
}
