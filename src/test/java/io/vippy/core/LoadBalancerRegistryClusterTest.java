package io.vippy.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import io.vippy.core.events.LoadBalancerEvent;
import io.vippy.core.model.Backend;
import io.vippy.core.model.BackendHealth;
import io.vippy.core.model.ConflictException;
import io.vippy.core.model.HealthCheckSpec;
import io.vippy.core.model.IpFamily;
import io.vippy.core.model.LoadBalancer;
import io.vippy.core.model.LoadBalancerStatus;
import io.vippy.core.model.Protocol;
import io.vippy.core.model.Scheduler;
import io.vippy.store.LoadBalancerDocument;
import io.vippy.store.etcd.EtcdKeyspace;
import io.vippy.store.etcd.EtcdStateStore;
import io.vippy.store.etcd.EtcdStores;
import io.vippy.testing.EtcdMember;
import io.vippy.testing.EtcdSettings;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two registries on one etcd, as two nodes of a cluster: each sees the other's writes in the same order, and
 * concurrent changes to one load balancer from both never lose an update.
 */
class LoadBalancerRegistryClusterTest {
    private EtcdMember etcd;
    private final List<AutoCloseable> opened = new ArrayList<>();
    private final String prefix = "/vippy-registry/" + UUID.randomUUID() + "/";

    @BeforeEach
    void startEtcd() throws Exception {
        etcd = EtcdMember.single(Files.createTempDirectory("vippy-registry-etcd"));
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : opened) {
            closeable.close();
        }
        etcd.close();
    }

    private LoadBalancerRegistry node(String name) throws Exception {
        EtcdKeyspace keyspace = EtcdKeyspace.open(EtcdSettings.of(etcd.clientUrl(), prefix));
        EtcdStateStore store = EtcdStores.open(keyspace, new LoadBalancerDocument(new ObjectMapper().findAndRegisterModules()),
                new SimpleMeterRegistry(), Files.createTempDirectory("vippy-" + name), name);
        opened.add(0, keyspace);
        opened.add(0, store);
        LoadBalancerRegistry registry = new LoadBalancerRegistry(store);
        registry.load();
        return registry;
    }

    private static LoadBalancer lb(String name) {
        return new LoadBalancer(UUID.randomUUID(), name, 80, Protocol.TCP, Scheduler.MH, IpFamily.IPV4,
                HealthCheckSpec.DEFAULT, null, List.of(), LoadBalancerStatus.PENDING, "");
    }

    @Test
    void concurrentChangesOnTwoNodesAreAllKept() throws Exception {
        LoadBalancerRegistry one = node("node1");
        LoadBalancerRegistry two = node("node2");
        LoadBalancer lb = lb("shared");
        one.create(lb);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (two.get(lb.uuid()).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> writes = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            LoadBalancerRegistry node = i % 2 == 0 ? one : two;
            Backend backend = new Backend(UUID.randomUUID(), InetAddress.getByName("10.9.0." + (i + 1)), 80, 1,
                    BackendHealth.UNKNOWN);
            writes.add(pool.submit(() -> addAsAClientWould(node, lb.uuid(), backend)));
        }
        for (Future<?> write : writes) {
            write.get();
        }
        pool.shutdown();
        deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        // Each node applies the other's writes from etcd's change stream: wait until both have seen the last one.
        while ((one.require(lb.uuid()).backends().size() < 20 || two.require(lb.uuid()).backends().size() < 20)
                && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(20, one.require(lb.uuid()).backends().size(), "no update lost on node 1");
        assertEquals(one.require(lb.uuid()).backends(), two.require(lb.uuid()).backends(), "same order on both");
    }

    /** A 409 says the change was not made: a client sends it again (here at most 5 times). */
    private static LoadBalancer addAsAClientWould(LoadBalancerRegistry node, UUID lb, Backend backend) {
        for (int attempt = 1; ; attempt++) {
            try {
                return node.update(lb, current -> current.withBackendAdded(backend));
            } catch (ConflictException busy) {
                if (attempt == 5) {
                    throw busy;
                }
            }
        }
    }

    @Test
    void aWatchOnOneNodeSeesBothNodesChangesInOrderAndResumesFromARevision() throws Exception {
        LoadBalancerRegistry one = node("node1");
        LoadBalancerRegistry two = node("node2");
        LoadBalancerRegistry three = node("node3");
        AssertSubscriber<LoadBalancerEvent> watch = three.watch(OptionalLong.empty())
                .subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        LoadBalancer a = lb("from node 1");
        LoadBalancer b = lb("from node 2");
        one.create(a);
        two.create(b);
        one.update(a.uuid(), lb -> lb.withStatus(LoadBalancerStatus.DELETING, ""));
        List<LoadBalancerEvent> seen = watch.awaitItems(4, Duration.ofSeconds(5)).getItems();
        assertEquals(LoadBalancerEvent.Type.SNAPSHOT_END, seen.get(0).type());
        List<LoadBalancerEvent> changes = seen.subList(1, 4);
        assertEquals(List.of("from node 1", "from node 2", "from node 1"),
                changes.stream().map(e -> e.loadBalancer().name()).toList());
        assertEquals(LoadBalancerStatus.DELETING, changes.get(2).loadBalancer().status());
        assertTrue(changes.get(0).revision() < changes.get(1).revision()
                && changes.get(1).revision() < changes.get(2).revision(), "numbered by etcd revision: " + changes);

        long missedFrom = changes.get(1).revision();
        List<LoadBalancerEvent> resumed = three.watch(OptionalLong.of(missedFrom))
                .subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE))
                .awaitItems(2, Duration.ofSeconds(5)).getItems();
        assertEquals(changes.subList(1, 3), resumed, "the changes from that revision on, again");
    }
}
