package io.vippy.core.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Health verdicts wait for the pass that programs them, and only a newer verdict survives a pass's recording. */
class ReportedHealthTest {
    private final Backend backend = new Backend(UUID.randomUUID(), Addresses.parseLiteral("10.0.0.1", "ip"), 80, 1,
            BackendHealth.HEALTHY);
    private final LoadBalancer lb = new LoadBalancer(UUID.randomUUID(), "lb", 80, Protocol.TCP, Scheduler.RR,
            IpFamily.IPV4, HealthCheckSpec.DEFAULT, Addresses.parseLiteral("203.0.113.1", "eip"), List.of(backend),
            LoadBalancerStatus.ACTIVE, "");

    @Test
    void aVerdictIsPendingUntilRecordedAndAppliedToWhatIsProgrammed() {
        ReportedHealth reported = new ReportedHealth();
        assertFalse(reported.report(lb, backend.uuid(), BackendHealth.HEALTHY), "already recorded: no pass owed");
        assertTrue(reported.report(lb, backend.uuid(), BackendHealth.UNHEALTHY));
        assertFalse(reported.report(lb, backend.uuid(), BackendHealth.UNHEALTHY), "already pending");

        Map<UUID, BackendHealth> pass = reported.snapshot(lb.uuid());
        assertEquals(BackendHealth.UNHEALTHY, ReportedHealth.apply(lb, pass).backends().get(0).health());
        assertEquals(BackendHealth.HEALTHY, lb.backends().get(0).health(), "the recorded state is unchanged");

        reported.recorded(lb.uuid(), pass);
        assertEquals(Map.of(), reported.snapshot(lb.uuid()));
    }

    @Test
    void aNewerVerdictThanThePassProgrammedStaysPending() {
        ReportedHealth reported = new ReportedHealth();
        reported.report(lb, backend.uuid(), BackendHealth.UNHEALTHY);
        Map<UUID, BackendHealth> pass = reported.snapshot(lb.uuid());
        reported.report(lb, backend.uuid(), BackendHealth.UNKNOWN);
        reported.recorded(lb.uuid(), pass);
        assertEquals(Map.of(backend.uuid(), BackendHealth.UNKNOWN), reported.snapshot(lb.uuid()));
    }
}
