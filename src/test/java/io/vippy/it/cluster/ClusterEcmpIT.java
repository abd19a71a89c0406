package io.vippy.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vippy.testing.RootOnly;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Active-active: one load balancer created on one node of a cluster is announced by all three, so the ToR's
 * kernel route has three next hops and client connections (many source ports) reach every node and backend.
 */
class ClusterEcmpIT {
    private static final int PORT = 80;
    private static final int CONNECTIONS = 150;
    private ClusterRig rig;

    @BeforeEach
    void setUp() {
        RootOnly.assumeRoot();
        rig = ClusterRig.up(ClusterRig.Options.cluster(3));
    }

    @AfterEach
    void tearDown() {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void everyNodeAnnouncesTheVipAndCarriesConnections() {
        String uuid = rig.createWithBackends(1, "web", PORT).get("uuid").asText();
        String vip = rig.awaitActive(1, uuid, Duration.ofSeconds(20));
        ClusterRig.await("the ToR's kernel route to " + vip + " with three next hops", Duration.ofSeconds(30),
                () -> rig.torNextHops(vip).size() == 3, rig::diagnostics);
        assertEquals(List.of(ClusterRig.nodeAddress(1), ClusterRig.nodeAddress(2), ClusterRig.nodeAddress(3)),
                rig.torNextHops(vip).stream().sorted().toList());
        ClusterRig.await("the client reaches " + vip, Duration.ofSeconds(20), () -> rig.request(vip, PORT, 0) != null,
                rig::diagnostics);
        ClusterRig.Spread spread = rig.spread(vip, PORT, CONNECTIONS, 34000);
        System.out.printf("cluster ECMP: %d connections, per node %s, per backend %s, failed %d%n", CONNECTIONS,
                spread.perNode(), spread.perBackend(), spread.failedSourcePorts().size());
        StandaloneNodesEcmpIT.assertSpreadOverEveryNodeAndBackend(spread, CONNECTIONS);
    }
}
