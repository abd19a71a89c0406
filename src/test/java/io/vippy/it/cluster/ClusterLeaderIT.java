package io.vippy.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vippy.testing.RootOnly;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The node that leads (reserves and releases addresses, here at the Metal fake) dies or freezes: another node
 * takes over within the lease time, and nothing acknowledged is lost, duplicated or released by the old leader.
 */
class ClusterLeaderIT {
    private static final Duration LEASE = ClusterRig.LEASE_TTL;
    private static final int BURST = 24;
    private ClusterRig rig;

    @BeforeEach
    void setUp() {
        RootOnly.assumeRoot();
        rig = ClusterRig.up(ClusterRig.Options.cluster(3).withMetal());
    }

    @AfterEach
    void tearDown() {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void killNineOfTheLeaderMidBurstLosesAndLeaksNothing() throws Exception {
        int leader = awaitLeader(List.of(1, 2, 3), Duration.ofSeconds(20));
        List<Integer> survivors = others(leader);
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger refused = new AtomicInteger();
        ExecutorService callers = Executors.newFixedThreadPool(4);
        for (int i = 0; i < BURST; i++) {
            int node = i % 3 + 1;
            int port = 9000 + i;
            callers.submit(() -> {
                try {
                    var created = rig.node(node).send("POST", "/loadbalancer", "{\"name\":\"burst\",\"port\":" + port + "}");
                    if (created.statusCode() == 201) {
                        acknowledged.add(ClusterRig.json(created.body()).get("uuid").asText());
                    } else {
                        refused.incrementAndGet();
                    }
                } catch (RuntimeException e) {
                    refused.incrementAndGet(); // the killed node's connection: not acknowledged
                }
            });
        }
        ClusterRig.await("6 creates acknowledged", Duration.ofSeconds(30), () -> acknowledged.size() >= 6,
                rig::diagnostics);
        rig.node(leader).kill();
        long killed = System.nanoTime();
        int next = awaitLeader(survivors, LEASE.plusSeconds(5));
        long leading = System.nanoTime();
        callers.shutdown();
        assertTrue(callers.awaitTermination(60, TimeUnit.SECONDS), "the burst did not end within 60 s");

        Map<String, String> addresses = awaitAllActive(survivors, acknowledged);
        assertOneReservationPerLoadBalancer(survivors.get(0));
        System.out.printf("cluster: leader node%d killed (-9) mid-burst; node%d led after %d ms (lease %d s);"
                + " %d of %d creates acknowledged (%d not), all ACTIVE with distinct addresses%n", leader, next,
                (leading - killed) / 1_000_000, LEASE.toSeconds(), acknowledged.size(), BURST, refused.get());
        assertEquals(acknowledged.size(), Set.copyOf(addresses.values()).size(), "distinct addresses: " + addresses);
    }

    @Test
    void aFrozenLeaderIsReplacedAndItsFencedWritesAreRefused() throws Exception {
        int leader = awaitLeader(List.of(1, 2, 3), Duration.ofSeconds(20));
        List<Integer> survivors = others(leader);
        String before = rig.expect(survivors.get(0), 201, "POST", "/loadbalancer", "{\"name\":\"before\",\"port\":81}")
                .get("uuid").asText();
        awaitAllActive(List.of(1, 2, 3), Set.of(before));

        // The leader is in the middle of a reservation (Metal answers slowly) when it freezes.
        rig.metal().faults().delay(Duration.ofSeconds(3));
        String during = rig.expect(leader, 201, "POST", "/loadbalancer", "{\"name\":\"during\",\"port\":82}")
                .get("uuid").asText();
        Thread.sleep(500);
        rig.node(leader).pause();
        long paused = System.nanoTime();
        int next;
        long leading;
        Map<String, String> addresses;
        try {
            next = awaitLeader(survivors, LEASE.plusSeconds(5));
            leading = System.nanoTime();
            rig.metal().faults().off();
            String after = rig.expect(next, 201, "POST", "/loadbalancer", "{\"name\":\"after\",\"port\":83}")
                    .get("uuid").asText();
            addresses = awaitAllActive(survivors, Set.of(before, during, after));
            // Frozen well beyond its lease before it wakes up.
            Thread.sleep(Math.max(0, LEASE.toMillis() * 2 - (System.nanoTime() - paused) / 1_000_000));
        } finally {
            rig.node(leader).resume();
        }
        long resumed = System.nanoTime();
        ClusterRig.await("node" + leader + " no longer leads in its own view", Duration.ofSeconds(10),
                () -> rig.leaderSeenBy(leader).map(l -> l != leader).orElse(false), rig::diagnostics);
        // Give the woken node time to finish what it was doing when it froze.
        Thread.sleep(3000);
        double refused = rig.metric(leader, "vippy_cluster_fenced_writes_refused_total");

        assertEquals(addresses, awaitAllActive(List.of(1, 2, 3), addresses.keySet()),
                "every load balancer keeps its address on every node, the woken one included");
        assertOneReservationPerLoadBalancer(next);
        assertEquals(1.0, rig.metric(next, "vippy_cluster_leader"), "the new leader's vippy_cluster_leader");
        assertEquals(0.0, rig.metric(leader, "vippy_cluster_leader"), "the old leader's vippy_cluster_leader");
        System.out.printf("cluster: leader node%d frozen (SIGSTOP) %d ms; node%d led after %d ms (lease %d s);"
                + " after SIGCONT the old leader's fenced writes refused: %.0f%n", leader,
                (resumed - paused) / 1_000_000, next, (leading - paused) / 1_000_000, LEASE.toSeconds(), refused);
    }

    /** A leader stopped with SIGTERM revokes its lease as it leaves, so another node leads without waiting it out. */
    @Test
    void aLeaderStoppedWithSigtermHandsOverWithoutWaitingForItsLease() {
        int leader = awaitLeader(List.of(1, 2, 3), Duration.ofSeconds(20));
        List<Integer> survivors = others(leader);
        assertEquals(0, rig.node(leader).terminate(), "exit code after SIGTERM");
        long stopped = System.nanoTime();
        int next = awaitLeader(survivors, LEASE.plusSeconds(5));
        long leading = System.nanoTime();
        String log = rig.node(leader).log();
        assertTrue(log.contains("left the cluster: lease revoked"), "node" + leader + "'s log:\n"
                + log.substring(Math.max(0, log.length() - 3000)));
        ClusterRig.await("node" + leader + " not alive in node" + next + "'s /cluster/nodes", Duration.ofSeconds(10),
                () -> StreamSupport.stream(rig.expect(next, 200, "GET", "/cluster/nodes", null).spliterator(), false)
                        .anyMatch(node -> node.path("name").asText().equals("node" + leader)
                                && !node.path("alive").asBoolean()), rig::diagnostics);
        System.out.printf("cluster: leader node%d stopped (SIGTERM); node%d led %d ms after it exited (lease %d s)%n",
                leader, next, (leading - stopped) / 1_000_000, LEASE.toSeconds());
    }

    /** Waits until every node of {@code nodes} names the same live leader, one of them; returns it. */
    private int awaitLeader(List<Integer> nodes, Duration atMost) {
        int[] leader = new int[1];
        ClusterRig.await("one leader among nodes " + nodes + ", agreed by them", atMost, () -> {
            List<Optional<Integer>> seen = nodes.stream().map(rig::leaderSeenBy).toList();
            Optional<Integer> first = seen.get(0);
            if (first.isEmpty() || !nodes.contains(first.get()) || !seen.stream().allMatch(first::equals)) {
                return false;
            }
            leader[0] = first.get();
            return true;
        }, rig::diagnostics);
        return leader[0];
    }

    private static List<Integer> others(int node) {
        List<Integer> others = new ArrayList<>(List.of(1, 2, 3));
        others.remove(Integer.valueOf(node));
        return others;
    }

    /** Waits until each node shows each load balancer ACTIVE with the same address; returns uuid -> address. */
    private Map<String, String> awaitAllActive(List<Integer> nodes, Set<String> uuids) {
        Map<String, String> addresses = new TreeMap<>();
        ClusterRig.await(uuids.size() + " load balancers ACTIVE with one address on nodes " + nodes,
                Duration.ofSeconds(30), () -> {
                    addresses.clear();
                    for (int n : nodes) {
                        for (String uuid : uuids) {
                            JsonNode lb = rig.loadBalancer(n, uuid);
                            if (lb == null || !"ACTIVE".equals(lb.path("status").asText())) {
                                return false;
                            }
                            String eip = lb.path("eip").asText();
                            if (!eip.equals(addresses.computeIfAbsent(uuid, u -> eip))) {
                                return false;
                            }
                        }
                    }
                    return true;
                }, rig::diagnostics);
        return addresses;
    }

    /** Metal holds exactly the addresses of the load balancers that exist, one reservation each. */
    private void assertOneReservationPerLoadBalancer(int node) {
        ClusterRig.await("one Metal reservation per load balancer, no other", Duration.ofSeconds(30), () -> {
            List<String> listed = new ArrayList<>();
            rig.expect(node, 200, "GET", "/loadbalancers", null).forEach(lb -> listed.add(lb.path("eip").asText()));
            List<String> reserved = rig.metal().state().publicReservationsNow().stream()
                    .map(r -> r.getString("address")).toList();
            return listed.stream().sorted().toList().equals(reserved.stream().sorted().toList());
        }, () -> "reservations " + rig.metal().state().publicReservationsNow() + "\nlisted "
                + rig.expect(node, 200, "GET", "/loadbalancers", null) + "\n" + rig.diagnostics());
    }
}
