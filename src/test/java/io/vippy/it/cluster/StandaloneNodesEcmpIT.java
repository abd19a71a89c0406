package io.vippy.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vippy.testing.RootOnly;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The cluster rig's own check, independent of cluster mode: three standalone nodes (each its own SQLite
 * state) create the same load balancer from the same static pool, so each gets the same first address and
 * announces it; the ToR must then hold one kernel route with three next hops and spread client connections
 * (many source ports, L4 hash) over all three nodes, and the nodes over all backends. And the rig's Metal
 * option: addresses come from the fake Metal API, reserved and released there.
 */
class StandaloneNodesEcmpIT {
    private static final int PORT = 80;
    private static final int REQUESTS = 150;
    private ClusterRig rig;

    @BeforeEach
    void setUp() {
        RootOnly.assumeRoot();
    }

    @AfterEach
    void tearDown() {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void theTorSpreadsConnectionsOverEveryNodeAndTheNodesOverEveryBackend() {
        rig = ClusterRig.up(ClusterRig.Options.standalone(3));
        ClusterRig.await("3 BGP sessions Established at the ToR", Duration.ofSeconds(30),
                () -> rig.tor().establishedSessions() == 3, rig::diagnostics);
        List<String> addresses = new ArrayList<>();
        for (int n = 1; n <= 3; n++) {
            String uuid = rig.createWithBackends(n, "web", PORT).get("uuid").asText();
            addresses.add(rig.awaitActive(n, uuid, Duration.ofSeconds(20)));
        }
        String vip = addresses.get(0);
        assertEquals(List.of(vip, vip, vip), addresses, "the same first address of the same pool on every node");
        ClusterRig.await("the ToR's kernel route to " + vip + " with three next hops", Duration.ofSeconds(20),
                () -> rig.torNextHops(vip).size() == 3, rig::diagnostics);
        assertEquals(List.of(ClusterRig.nodeAddress(1), ClusterRig.nodeAddress(2), ClusterRig.nodeAddress(3)),
                rig.torNextHops(vip).stream().sorted().toList());
        ClusterRig.await("the client reaches " + vip, Duration.ofSeconds(20),
                () -> rig.request(vip, PORT, 0) != null, rig::diagnostics);

        ClusterRig.Spread spread = rig.spread(vip, PORT, REQUESTS, 31000);
        System.out.printf("ECMP over 3 standalone nodes, %d connections from distinct source ports: per node %s,"
                + " per backend %s, failed %d%n", REQUESTS, spread.perNode(), spread.perBackend(),
                spread.failedSourcePorts().size());
        assertSpreadOverEveryNodeAndBackend(spread, REQUESTS);
    }

    /** Every connection succeeded, was counted on exactly one node, and every node and backend had some. */
    static void assertSpreadOverEveryNodeAndBackend(ClusterRig.Spread spread, int connections) {
        assertEquals(List.of(), spread.failedSourcePorts(), "connections that failed (by source port)");
        assertEquals(List.of("be1", "be2", "be3"), List.copyOf(spread.perBackend().keySet()),
                "every backend answers: " + spread.perBackend());
        spread.perNode().forEach((node, count) -> assertTrue(count > 0, node + " carried no connection: "
                + spread.perNode()));
        assertEquals(connections, spread.counted(), "each connection counted once, on exactly one node: "
                + spread.perNode());
    }
    @Test
    void withTheMetalFakeANodeReservesItsAddressThereAndReleasesItOnDelete() {
        rig = ClusterRig.up(ClusterRig.Options.standalone(1).withMetal());
        ClusterRig.await("the BGP session Established at the ToR", Duration.ofSeconds(30),
                () -> rig.tor().establishedSessions() == 1, rig::diagnostics);
        String uuid = rig.createWithBackends(1, "web", PORT).get("uuid").asText();
        String eip = rig.awaitActive(1, uuid, Duration.ofSeconds(20));
        List<String> reserved = rig.metal().state().publicReservationsNow().stream()
                .map(r -> r.getString("address")).toList();
        assertEquals(List.of(eip), reserved, "one reservation in the fake Metal, the load balancer's address");
        ClusterRig.await("the ToR's kernel route to " + eip, Duration.ofSeconds(20),
                () -> rig.torNextHops(eip).equals(List.of(ClusterRig.nodeAddress(1))), rig::diagnostics);
        ClusterRig.await("the client reaches " + eip, Duration.ofSeconds(20),
                () -> rig.request(eip, PORT, 0) != null, rig::diagnostics);

        rig.node(1).send("DELETE", "/loadbalancer/" + uuid, null);
        ClusterRig.await("the reservation released", Duration.ofSeconds(20),
                () -> rig.metal().state().publicReservationsNow().isEmpty(), rig::diagnostics);
    }
}
