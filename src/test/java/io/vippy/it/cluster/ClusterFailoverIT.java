package io.vippy.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vippy.testing.RootOnly;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Failover on the cluster rig: three nodes of one etcd cluster announce one load balancer (created once, on
 * node 1) to an FRR ToR that spreads it over them (ECMP, L4 hash); a client opens new connections continuously
 * and holds long-lived ones from known source ports. Node 2 then dies (kill -9 of Vippy, its host dropping
 * every packet) with BFD on or off, or stops with SIGTERM (drain). What each costs is printed; what must hold:
 * once the ToR has dropped the dead node, no new connection fails; the ToR dropped it because BFD said so (BFD
 * on) or after the hold time (off); a drain costs no new connection; and an established connection that a
 * surviving node carries, and that the ToR keeps sending there, keeps working with its backend.
 */
class ClusterFailoverIT {
    private static final int PORT = 80;
    /** Each new connection gets this long to connect and be greeted. */
    private static final int CONNECT_MS = 500;
    private static final int LONG_LIVED = 60;
    private static final int FIRST_LONG_LIVED_PORT = 20000;
    private ClusterRig rig;
    private String vip;

    @BeforeEach
    void rootOnly() {
        RootOnly.assumeRoot();
    }

    @AfterEach
    void tearDown() {
        if (rig != null) {
            rig.close();
        }
    }

    private void upWithOneLoadBalancer(ClusterRig.Options options) {
        rig = ClusterRig.up(options);
        ClusterRig.await("3 BGP sessions Established at the ToR", Duration.ofSeconds(60),
                () -> rig.tor().establishedSessions() == 3, rig::diagnostics);
        String uuid = rig.createWithBackends(1, "web", PORT).get("uuid").asText();
        for (int n = 1; n <= 3; n++) {
            vip = rig.awaitActive(n, uuid, Duration.ofSeconds(30));
        }
        ClusterRig.await("three next hops at the ToR", Duration.ofSeconds(30), () -> rig.torNextHops(vip).size() == 3,
                rig::diagnostics);
        if (options.bfd()) {
            ClusterRig.await("3 BFD sessions up at the ToR", Duration.ofSeconds(30),
                    () -> count(rig.tor().vtysh("show bfd peers"), "Status: up") == 3, rig::diagnostics);
        }
        ClusterRig.await("the client reaches " + vip, Duration.ofSeconds(20), () -> rig.request(vip, PORT, 0) != null,
                rig::diagnostics);
    }

    @Test
    void aDeadNodeWithBfdIsDroppedByBfdAndNewConnectionsFailOnlyUntilThen() throws Exception {
        killNodeTwo(ClusterRig.Options.cluster(3).withBfd(), "BFD 300 ms x 3", "BFD");
    }

    @Test
    void aDeadNodeWithoutBfdIsDroppedAfterTheHoldTime() throws Exception {
        killNodeTwo(ClusterRig.Options.cluster(3), "BFD off, hold time 9 s", "Hold Timer Expired");
    }

    /** Kills node 2's host under load; the ToR must have dropped it for {@code expectedReason}. */
    private void killNodeTwo(ClusterRig.Options options, String how, String expectedReason) throws Exception {
        upWithOneLoadBalancer(options);
        Failover failover = underLoad(() -> rig.killHost(2));
        String reset = lastResetDueTo(2);
        failover.report("kill -9 of node 2's host, " + how, reset);
        assertTrue(reset.contains(expectedReason), "why the ToR dropped node 2: " + reset);
        failover.assertNoNewConnectionFailedOnceTheTorDroppedTheNode();
        failover.assertSurvivorsKeptTheirConnections();
    }

    @Test
    void aNodeDrainedBySigtermCostsNoNewConnection() throws Exception {
        upWithOneLoadBalancer(ClusterRig.Options.cluster(3).withBfd());
        Failover failover = underLoad(() -> rig.node(2).signalTerm());
        assertEquals(0, rig.node(2).terminate(), "exit code after SIGTERM");
        failover.report("SIGTERM of node 2 (drain), BFD 300 ms x 3", lastResetDueTo(2));
        // FRR records a later BFD AdminDown as the reset's cause too, so its log tells what came first.
        String goodbye = "NOTIFICATION: received from neighbor " + ClusterRig.nodeAddress(2) + " 6/2 (Cease/Administrative Shutdown)";
        assertTrue(rig.tor().bgpdLog().contains(goodbye), "node 2 said goodbye over BGP: " + rig.tor().log());
        assertEquals(List.of(), failover.attempts().stream().filter(a -> !a.ok()).toList(),
                "new connections that failed while a node drained");
        failover.assertSurvivorsKeptTheirConnections();
        // The ToR moved the new connections at once: node 2 withdrew when its counters stood still, not after the delay.
        String drain = rig.node(2).log().lines().filter(line -> line.contains("drain: ")).findFirst().orElse("");
        System.out.println("node 2: " + drain);
        assertTrue(drain.contains("drain: no new connection for"), "node 2's drain: " + drain);
    }

    private record Failover(List<ClientLoad.Attempt> attempts, long stoppedNanos, long droppedNanos,
            Map<Integer, Integer> carriedBy, Map<Integer, Set<Integer>> seen, Map<Integer, Boolean> working) {
        void report(String what, String reset) {
            long failures = attempts.stream().filter(a -> !a.ok()).count();
            long after = attempts.stream().filter(a -> a.startedNanos() > stoppedNanos).count();
            List<Integer> survivorsKept = new ArrayList<>();
            List<Integer> survivorsMoved = new ArrayList<>();
            List<Integer> onNodeTwo = new ArrayList<>();
            carriedBy.forEach((port, node) -> (node == 2 ? onNodeTwo
                    : keptOn(port, node) ? survivorsKept : survivorsMoved).add(port));
            System.out.printf("FAILOVER %s: the ToR dropped node 2 after %d ms (%s); new connections failed for %d ms"
                    + " (stop to the start of the last failure), %d of %d attempts after the stop failed%n", what,
                    (droppedNanos - stoppedNanos) / 1_000_000, reset, ClientLoad.blackoutMillis(attempts, stoppedNanos),
                    failures, after);
            System.out.printf("FAILOVER %s: %d long-lived connections: %d on node 2, %d still working; %d on the"
                    + " survivors and kept there by the ToR, %d still working; %d on the survivors but moved by the"
                    + " ToR's rehash, %d still working%n", what, carriedBy.size(), onNodeTwo.size(),
                    stillWorking(onNodeTwo), survivorsKept.size(), stillWorking(survivorsKept), survivorsMoved.size(),
                    stillWorking(survivorsMoved));
        }

        /** Whether the ToR sent every packet of this flow to the same node. */
        private boolean keptOn(int port, int node) {
            return seen.get(port).equals(Set.of(node));
        }

        private long stillWorking(List<Integer> ports) {
            return ports.stream().filter(working::get).count();
        }

        void assertNoNewConnectionFailedOnceTheTorDroppedTheNode() {
            List<ClientLoad.Attempt> failures = attempts.stream().filter(a -> !a.ok()).toList();
            long connectWindow = TimeUnit.MILLISECONDS.toNanos(CONNECT_MS);
            assertTrue(failures.stream().allMatch(a -> a.startedNanos() >= stoppedNanos - connectWindow),
                    "new connections failed before node 2 died: " + failures.size());
            assertTrue(failures.stream().allMatch(a -> a.startedNanos() < droppedNanos + TimeUnit.SECONDS.toNanos(1)),
                    "new connections still failed more than 1 s after the ToR dropped node 2");
        }

        /** Established connections on a surviving node that the ToR still sends there keep their backend. */
        void assertSurvivorsKeptTheirConnections() {
            List<Integer> kept = carriedBy.keySet().stream()
                    .filter(port -> carriedBy.get(port) != 2 && keptOn(port, carriedBy.get(port))).toList();
            assertTrue(!kept.isEmpty(), "no long-lived connection stayed on a surviving node: " + seen);
            assertEquals(List.of(), kept.stream().filter(port -> !working.get(port)).toList(),
                    "long-lived connections (source ports) on a surviving node that stopped working");
        }
    }

    /**
     * Holds {@link #LONG_LIVED} connections (the ToR records which node it sends each to) and runs {@link ClientLoad}
     * while {@code stop} takes node 2 away; waits for the ToR to drop node 2 and 3 s more, then sees which held
     * connections still work and where the ToR sent them.
     */
    private Failover underLoad(Runnable stop) throws Exception {
        rig.recordFlows(FIRST_LONG_LIVED_PORT, FIRST_LONG_LIVED_PORT + LONG_LIVED - 1);
        try (LongLivedConnections held = LongLivedConnections.open(rig, vip, PORT, LONG_LIVED, FIRST_LONG_LIVED_PORT)) {
            Map<Integer, Integer> carriedBy = new TreeMap<>();
            rig.nodesCarrying().forEach((port, nodes) -> {
                assertEquals(1, nodes.size(), "the ToR sent source port " + port + " to one node: " + nodes);
                carriedBy.put(port, nodes.iterator().next());
            });
            assertEquals(held.sourcePorts(), List.copyOf(carriedBy.keySet()), "every held connection went through the ToR");
            ClientLoad load = new ClientLoad(rig, vip, PORT, CONNECT_MS);
            Thread.sleep(2000);
            long stopped = System.nanoTime();
            stop.run();
            ClusterRig.await("the ToR drops node 2's next hop", Duration.ofSeconds(30),
                    () -> !rig.torNextHops(vip).contains(ClusterRig.nodeAddress(2)), rig::diagnostics);
            long dropped = System.nanoTime();
            Thread.sleep(3000);
            List<ClientLoad.Attempt> attempts = load.stop();
            Map<Integer, Boolean> working = held.stillWorking(Duration.ofSeconds(2));
            return new Failover(attempts, stopped, dropped, carriedBy, rig.nodesCarrying(), working);
        }
    }

    /** Why the ToR's bgpd last reset its session with node {@code n}, and the last NOTIFICATION's reason. */
    private String lastResetDueTo(int n) {
        String neighbor = rig.tor().vtysh("show bgp neighbors " + ClusterRig.nodeAddress(n) + " json");
        return jsonField(neighbor, "lastResetDueTo") + ", " + jsonField(neighbor, "lastNotificationReason");
    }

    private static String jsonField(String json, String name) {
        Matcher field = Pattern.compile("\"" + name + "\":\"([^\"]*)\"").matcher(json);
        return field.find() ? field.group(1) : "no " + name;
    }

    private static int count(String text, String fragment) {
        return text.split(Pattern.quote(fragment), -1).length - 1;
    }
}
