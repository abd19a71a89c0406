package io.vippy.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vippy.core.NodeStatus;
import io.vippy.store.etcd.EtcdKeyspace;
import io.vippy.testing.EtcdMember;
import io.vippy.testing.EtcdSettings;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Leadership and registration on a real etcd: one leader at a time, a successor when it leaves, fenced claims. */
class EtcdMembershipTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private EtcdMember etcd;
    private final String prefix = "/vippy-membership/" + UUID.randomUUID() + "/";
    private final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeEach
    void startEtcd() throws Exception {
        etcd = EtcdMember.single(Files.createTempDirectory("vippy-membership-etcd"));
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : opened) {
            closeable.close();
        }
        etcd.close();
    }

    private EtcdKeyspace keyspace() {
        EtcdKeyspace keyspace = EtcdKeyspace.open(EtcdSettings.of(etcd.clientUrl(), prefix));
        opened.add(keyspace);
        return keyspace;
    }

    private record Member(EtcdMembership membership, EtcdKeyspace keyspace, List<Boolean> changes) {
    }

    private Member member(String name) {
        EtcdKeyspace keyspace = keyspace();
        List<Boolean> changes = new CopyOnWriteArrayList<>();
        EtcdMembership membership = new EtcdMembership(keyspace, name,
                () -> new NodeRecord(name, "192.0.2.1", "test", "nftables", 0, 0, false, 0), () -> { }, JSON);
        membership.onChange(changes::add);
        membership.start();
        opened.add(0, membership);
        return new Member(membership, keyspace, changes);
    }

    private static void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " within " + timeout);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void oneLeadsAndTheOtherTakesOverWhenItLeaves() throws Exception {
        Member a = member("node-a");
        await(() -> a.membership().isLeader(), Duration.ofSeconds(20), "the first node leads");
        Member b = member("node-b");
        await(() -> b.membership().leader().isPresent(), Duration.ofSeconds(20), "the second knows the leader");
        assertFalse(b.membership().isLeader());
        assertEquals(Optional.of("node-a"), b.membership().leader());
        long firstClaim = a.keyspace().fence().claimRevision();

        EtcdClusterNodes nodes = new EtcdClusterNodes(b.keyspace(), JSON);
        await(() -> nodes.nodes().size() == 2, Duration.ofSeconds(20), "both registered");
        assertEquals(List.of(true, false), nodes.nodes().stream().map(NodeStatus::leader).toList());

        a.membership().close(); // revokes the lease: the leader key goes at once
        await(() -> b.membership().isLeader(), Duration.ofSeconds(10), "the second leads once the first has left");
        assertNotEquals(firstClaim, b.keyspace().fence().claimRevision(), "a new claim, so the old one's writes fail");
        assertEquals(0, a.keyspace().fence().claimRevision());
        assertEquals(List.of(true), a.changes(), "the first was told it led");
        await(() -> nodes.nodes().stream().anyMatch(n -> n.name().equals("node-a") && !n.alive()), Duration.ofSeconds(5),
                "the first is listed, not alive");
        assertTrue(nodes.nodes().stream().anyMatch(n -> n.name().equals("node-b") && n.leader()));
    }

    @Test
    void aDrainWishForANodeReachesIt() throws Exception {
        Member a = member("node-a");
        List<Boolean> wishes = new CopyOnWriteArrayList<>();
        a.membership().onDrainWish(wishes::add);
        EtcdClusterNodes nodes = new EtcdClusterNodes(a.keyspace(), JSON);
        await(() -> !nodes.nodes().isEmpty(), Duration.ofSeconds(20), "registered");
        nodes.setDrained("node-a", true);
        await(() -> wishes.equals(List.of(true)), Duration.ofSeconds(5), "the drain wish arrives");
        nodes.setDrained("node-a", false);
        await(() -> wishes.equals(List.of(true, false)), Duration.ofSeconds(5), "and the undrain");
    }
}
