package io.vippy.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vippy.core.model.Backend;
import io.vippy.core.model.BackendHealth;
import io.vippy.core.model.HealthCheckSpec;
import io.vippy.core.model.IpFamily;
import io.vippy.core.model.LoadBalancer;
import io.vippy.core.model.LoadBalancerStatus;
import io.vippy.core.model.Protocol;
import io.vippy.core.model.Scheduler;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteStateStoreTest {
    @TempDir
    Path dataDir;

    private final ObjectMapper json = new ObjectMapper().findAndRegisterModules();

    private static LoadBalancer sample() throws Exception {
        Backend backend = new Backend(UUID.randomUUID(), InetAddress.getByName("2001:db8::25"), 6443, 3,
                BackendHealth.HEALTHY);
        return new LoadBalancer(UUID.randomUUID(), "test loadbalancer", 6443, Protocol.UDP, Scheduler.MH, IpFamily.IPV6,
                new HealthCheckSpec(HealthCheckSpec.Type.HTTP, "/healthz", 500, 200, 1, 2),
                InetAddress.getByName("2001:db8:ffff::1"), List.of(backend), LoadBalancerStatus.ACTIVE, "");
    }

    @Test
    void whatIsPutSurvivesReopening() throws Exception {
        LoadBalancer lb = sample();
        LoadBalancer pending = new LoadBalancer(UUID.randomUUID(), "pending", 80, Protocol.TCP, Scheduler.RR,
                IpFamily.IPV4, HealthCheckSpec.DEFAULT, null, List.of(), LoadBalancerStatus.PENDING, "");
        try (SqliteStateStore store = SqliteStateStore.open(dataDir, json)) {
            store.put(lb);
            store.put(pending);
        }
        try (SqliteStateStore store = SqliteStateStore.open(dataDir, json)) {
            List<LoadBalancer> all = store.loadAll();
            assertEquals(2, all.size());
            assertTrue(all.contains(lb), "round trip changed " + lb + " into " + all);
            assertTrue(all.contains(pending));
        }
    }

    @Test
    void putReplacesAndDeleteRemoves() throws Exception {
        LoadBalancer lb = sample();
        try (SqliteStateStore store = SqliteStateStore.open(dataDir, json)) {
            store.put(lb);
            LoadBalancer changed = lb.withStatus(LoadBalancerStatus.DELETING, "");
            store.put(changed);
            assertEquals(List.of(changed), store.loadAll());
            store.delete(lb.uuid());
            store.delete(lb.uuid());
            assertEquals(List.of(), store.loadAll());
        }
    }
}
