package io.vippy.it.cluster;

import io.vippy.testing.RootOnly;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Failover blackout and node join on the cluster rig (three nodes, one etcd cluster, FRR ToR with ECMP), BFD on
 * and off side by side in one run: rounds alternate, each killing node 2's host (kill -9, every packet dropped)
 * under a continuous stream of new connections, then bringing it back. Per round: from the kill to the start of
 * the last failed connection (the blackout), and to the ToR's kernel dropping node 2; per return: from starting
 * node 2's JVM to the ToR's route naming it again and to node 2's kernel counting a client connection. Not part
 * of the test suite (the name does not end in IT); bench/failover/run.sh runs it.
 */
class ClusterFailoverBenchmark {
    private static final int ROUNDS = Integer.getInteger("failover.bench.rounds", 5);
    private static final int PORT = 80;
    private static final int CONNECT_MS = 300;

    @Test
    void blackoutWithAndWithoutBfdAndNodeJoin() throws Exception {
        RootOnly.assumeRoot();
        try (ClusterRig rig = ClusterRig.up(ClusterRig.Options.cluster(3).withBfd())) {
            String uuid = rig.createWithBackends(1, "web", PORT).get("uuid").asText();
            String vip = rig.awaitActive(1, uuid, Duration.ofSeconds(30));
            Map<Boolean, List<Long>> blackout = Map.of(true, new ArrayList<>(), false, new ArrayList<>());
            Map<Boolean, List<Long>> dropped = Map.of(true, new ArrayList<>(), false, new ArrayList<>());
            List<Long> toApi = new ArrayList<>();
            List<Long> toRoute = new ArrayList<>();
            List<Long> toTraffic = new ArrayList<>();
            awaitCarrying(rig, vip, true);
            for (int round = 0; round < 2 * ROUNDS; round++) {
                boolean bfd = round % 2 == 0;
                if (round > 0) {
                    rig.reviveHost(2);
                    rig.tor().bfd(ClusterRig.nodeAddress(2), bfd);
                    long[] join = join(rig, vip, bfd);
                    toApi.add(join[0]);
                    toRoute.add(join[1]);
                    toTraffic.add(join[2]);
                }
                ClientLoad load = new ClientLoad(rig, vip, PORT, CONNECT_MS);
                Thread.sleep(1500);
                long killed = System.nanoTime();
                rig.killHost(2);
                ClusterRig.await("the ToR drops node 2", Duration.ofSeconds(30),
                        () -> !rig.torNextHops(vip).contains(ClusterRig.nodeAddress(2)), rig::diagnostics);
                dropped.get(bfd).add((System.nanoTime() - killed) / 1_000_000);
                Thread.sleep(1500);
                blackout.get(bfd).add(ClientLoad.blackoutMillis(load.stop(), killed));
                System.out.printf("FAILOVER-ROUND %d BFD %s: blackout %d ms, ToR dropped node 2 after %d ms%n", round,
                        bfd ? "on" : "off", blackout.get(bfd).get(blackout.get(bfd).size() - 1),
                        dropped.get(bfd).get(dropped.get(bfd).size() - 1));
            }
            System.out.println("FAILOVER-BENCH " + ROUNDS + " kills per mode, alternating, milliseconds\n"
                    + "| measure | median | min | max |\n|---|---|---|---|\n"
                    + row("BFD on (300 ms x 3): kill to the last failed new connection", blackout.get(true))
                    + row("BFD on: kill to the ToR's kernel dropping the node", dropped.get(true))
                    + row("BFD off (hold time 9 s): kill to the last failed new connection", blackout.get(false))
                    + row("BFD off: kill to the ToR's kernel dropping the node", dropped.get(false))
                    + row("node start (JVM launch) to its API answering", toApi)
                    + row("node start (JVM launch) to the ToR's route naming it", toRoute)
                    + row("node start (JVM launch) to its kernel counting a client connection", toTraffic));
        }
    }

    /**
     * Starts node 2 (BFD as given); milliseconds to its API answering, to the ToR's next hop and to its kernel
     * counting a client connection. The client opens one connection per poll (every 20 ms, a new source port each,
     * so about a third hash to node 2 once the ToR has it): a busy client would slow the JVM it measures.
     */
    private static long[] join(ClusterRig rig, String vip, boolean bfd) throws Exception {
        long before = rig.connectionsCounted(2, vip, PORT);
        long started = System.nanoTime();
        rig.startNode(2, Map.of("vippy.bfd.enabled", Boolean.toString(bfd)));
        long answering = System.nanoTime();
        long routed = 0;
        long deadline = started + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            long now = System.nanoTime();
            if (routed == 0 && rig.torNextHops(vip).contains(ClusterRig.nodeAddress(2))) {
                routed = now;
            }
            if (routed != 0 && rig.connectionsCounted(2, vip, PORT) > before) {
                awaitCarrying(rig, vip, bfd);
                return new long[] {(answering - started) / 1_000_000, (routed - started) / 1_000_000,
                    (now - started) / 1_000_000};
            }
            rig.requestAsync(vip, PORT, 0, CONNECT_MS).get(CONNECT_MS * 4L, TimeUnit.MILLISECONDS);
            Thread.sleep(20);
        }
        throw new AssertionError("node 2 carried no connection within 60 s of its start\n" + rig.diagnostics());
    }

    /** Three next hops at the ToR and, with BFD, node 2's BFD session up there. */
    private static void awaitCarrying(ClusterRig rig, String vip, boolean bfd) {
        ClusterRig.await("three next hops" + (bfd ? " and BFD up with node 2" : ""), Duration.ofSeconds(30),
                () -> rig.torNextHops(vip).size() == 3 && (!bfd || rig.tor().vtysh("show bfd peer "
                        + ClusterRig.nodeAddress(2)).contains("Status: up")), rig::diagnostics);
    }

    private static String row(String measure, List<Long> millis) {
        List<Long> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        return "| %s | %d | %d | %d |%n".formatted(measure, sorted.get(sorted.size() / 2), sorted.get(0),
                sorted.get(sorted.size() - 1));
    }
}
