package io.vippy.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vippy.testing.RootOnly;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * etcd members die under a running cluster: losing the etcd leader costs writes a few seconds; losing the quorum
 * makes writes answer 503 while reads, traffic and routes carry on, and everything acknowledged is there after.
 */
class ClusterEtcdOutageIT {
    private static final int PORT = 80;
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
    void killingTheEtcdLeaderPausesWritesForAFewSecondsOnly() {
        rig.expect(1, 201, "POST", "/loadbalancer", "{\"name\":\"first\",\"port\":81}");
        int etcdLeader = rig.etcd().awaitLeader(Duration.ofSeconds(10));
        rig.etcd().kill(etcdLeader);
        long killed = System.nanoTime();
        int[] attempts = new int[1];
        ClusterRig.await("a write accepted after the etcd leader died", Duration.ofSeconds(10), () -> {
            attempts[0]++;
            return rig.node(2).send("POST", "/loadbalancer", "{\"name\":\"second\",\"port\":82}").statusCode() == 201;
        }, rig::diagnostics);
        long accepted = System.nanoTime();
        System.out.printf("cluster: etcd leader (member %d) killed; the next write accepted after %d ms (%d attempts)%n",
                etcdLeader, (accepted - killed) / 1_000_000, attempts[0]);
        rig.etcd().restart(etcdLeader);
        rig.etcd().awaitHealthy(Duration.ofSeconds(20));
        rig.expect(3, 201, "POST", "/loadbalancer", "{\"name\":\"third\",\"port\":83}");
        for (int n = 1; n <= 3; n++) {
            int node = n;
            ClusterRig.await("node " + n + " lists the three", Duration.ofSeconds(10),
                    () -> rig.expect(node, 200, "GET", "/loadbalancers", null).size() == 3, rig::diagnostics);
        }
    }

    @Test
    void withoutQuorumWritesAnswer503WhileReadsTrafficAndRoutesCarryOnAndNothingIsLost() throws Exception {
        ClusterRig.await("3 BGP sessions Established at the ToR", Duration.ofSeconds(30),
                () -> rig.tor().establishedSessions() == 3, rig::diagnostics);
        String uuid = rig.createWithBackends(1, "web", PORT).get("uuid").asText();
        Set<String> acknowledged = new TreeSet<>(Set.of(uuid));
        for (int i = 0; i < 5; i++) {
            acknowledged.add(rig.expect(i % 3 + 1, 201, "POST", "/loadbalancer",
                    "{\"name\":\"kept-" + i + "\",\"port\":" + (9100 + i) + "}").get("uuid").asText());
        }
        String vip = rig.awaitActive(1, uuid, Duration.ofSeconds(20));
        ClusterRig.await("three next hops at the ToR", Duration.ofSeconds(20), () -> rig.torNextHops(vip).size() == 3,
                rig::diagnostics);
        ClusterRig.await("the client reaches " + vip, Duration.ofSeconds(20), () -> rig.request(vip, PORT, 0) != null,
                rig::diagnostics);

        int etcdLeader = rig.etcd().awaitLeader(Duration.ofSeconds(10));
        int survivor = etcdLeader % 3 + 1;
        List<Integer> stopped = new ArrayList<>(List.of(1, 2, 3));
        stopped.remove(Integer.valueOf(survivor));
        stopped.forEach(rig.etcd()::kill);
        long lost = System.nanoTime();

        AtomicReference<HttpResponse<String>> refused = new AtomicReference<>();
        ClusterRig.await("a write answered 503", Duration.ofSeconds(20), () -> {
            HttpResponse<String> answer = rig.node(2).send("POST", "/loadbalancer",
                    "{\"name\":\"refused\",\"port\":9200}");
            assertEquals(503, answer.statusCode(), "a write without etcd quorum: " + answer.body());
            refused.set(answer);
            return true;
        }, rig::diagnostics);
        String sentence = ClusterRig.json(refused.get().body()).path("error").asText();
        assertFalse(sentence.isBlank(), "503 with an error sentence: " + refused.get().body());
        // Longer than the lease: nothing a node holds may depend on renewing it.
        Thread.sleep(Math.max(0, 8000 - (System.nanoTime() - lost) / 1_000_000));
        for (int n = 1; n <= 3; n++) {
            HttpResponse<String> ready = rig.node(n).send("GET", "/q/health/ready", null);
            assertEquals(503, ready.statusCode(), "node " + n + " readiness without etcd: " + ready.body());
            assertTrue(ready.body().toLowerCase().contains("etcd"), "readiness names etcd: " + ready.body());
            Set<String> listed = uuids(rig.expect(n, 200, "GET", "/loadbalancers", null));
            assertEquals(acknowledged, listed, "node " + n + " still answers reads with what it holds");
        }
        assertEquals(3, rig.torNextHops(vip).size(), "the ToR keeps the three routes: " + rig.torNextHops(vip));
        List<Integer> failed = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            if (rig.request(vip, PORT, 32000 + i) == null) {
                failed.add(32000 + i);
            }
        }
        assertEquals(List.of(), failed, "connections through the VIP that failed while etcd had no quorum");

        stopped.forEach(rig.etcd()::restart);
        long restarted = System.nanoTime();
        ClusterRig.await("writes accepted again on every node", Duration.ofSeconds(30), () -> {
            for (int n = 1; n <= 3; n++) {
                var created = rig.node(n).send("POST", "/loadbalancer",
                        "{\"name\":\"back-" + n + "\",\"port\":" + (9300 + n) + "}");
                if (created.statusCode() != 201) {
                    return false;
                }
                acknowledged.add(ClusterRig.json(created.body()).get("uuid").asText());
            }
            return true;
        }, rig::diagnostics);
        long writable = System.nanoTime();
        for (int n = 1; n <= 3; n++) {
            int node = n;
            ClusterRig.await("node " + n + " ready and listing everything acknowledged", Duration.ofSeconds(20),
                    () -> rig.node(node).send("GET", "/q/health/ready", null).statusCode() == 200
                            && uuids(rig.expect(node, 200, "GET", "/loadbalancers", null)).containsAll(acknowledged),
                    rig::diagnostics);
        }
        System.out.printf("cluster: etcd quorum lost for %d ms: writes 503 (\"%s\"), reads, traffic (60/60) and the"
                + " ToR's 3 routes kept; writes accepted on every node %d ms after the members restarted%n",
                (restarted - lost) / 1_000_000, sentence, (writable - restarted) / 1_000_000);
    }

    private static Set<String> uuids(JsonNode loadBalancers) {
        Set<String> uuids = new TreeSet<>();
        loadBalancers.forEach(lb -> uuids.add(lb.path("uuid").asText()));
        return uuids;
    }
}
