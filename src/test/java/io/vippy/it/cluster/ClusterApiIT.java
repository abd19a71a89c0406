package io.vippy.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vippy.testing.RootOnly;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three Vippy nodes in cluster mode on a real three-member etcd: a write on one node is on every node and in
 * every node's kernel, and nodes racing to create load balancers reserve exactly one address each.
 */
class ClusterApiIT {
    private static final int CREATES = 30;
    private final AtomicInteger retried = new AtomicInteger();
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
    void aCreateOnOneNodeIsActiveOnTheOthersAndInEveryKernel() {
        rig = ClusterRig.up(ClusterRig.Options.cluster(3));
        long start = System.nanoTime();
        String uuid = rig.expect(1, 201, "POST", "/loadbalancer", "{\"name\":\"web\",\"port\":80}").get("uuid").asText();
        long acknowledged = System.nanoTime();
        long[] visible = new long[4];
        long[] active = new long[4];
        ClusterRig.await("the load balancer on nodes 2 and 3", Duration.ofSeconds(10), () -> {
            for (int n = 2; n <= 3; n++) {
                if (visible[n] == 0 && rig.loadBalancer(n, uuid) != null) {
                    visible[n] = System.nanoTime();
                }
            }
            return visible[2] != 0 && visible[3] != 0;
        }, rig::diagnostics);
        ClusterRig.await("the load balancer ACTIVE on every node", Duration.ofSeconds(10), () -> {
            for (int n = 1; n <= 3; n++) {
                if (active[n] == 0 && rig.isActive(n, uuid)) {
                    active[n] = System.nanoTime();
                }
            }
            return active[1] != 0 && active[2] != 0 && active[3] != 0;
        }, rig::diagnostics);
        String eip = rig.loadBalancer(1, uuid).get("eip").asText();
        for (int n = 2; n <= 3; n++) {
            assertEquals(eip, rig.loadBalancer(n, uuid).get("eip").asText(), "node " + n + " shows the same address");
        }
        ClusterRig.await("the service in every node's kernel", Duration.ofSeconds(10),
                () -> rig.kernelServes(1, eip, 80) && rig.kernelServes(2, eip, 80) && rig.kernelServes(3, eip, 80),
                rig::diagnostics);
        System.out.printf("cluster: create acknowledged by node 1 in %d ms; visible on node 2 after %d ms, node 3 after"
                + " %d ms; ACTIVE on nodes 1/2/3 after %d/%d/%d ms (from the acknowledgement)%n",
                millis(start, acknowledged), millis(acknowledged, visible[2]), millis(acknowledged, visible[3]),
                millis(acknowledged, active[1]), millis(acknowledged, active[2]), millis(acknowledged, active[3]));
    }

    @Test
    void thirtyConcurrentCreatesFromTheStaticPoolGetThirtyAddressesAndDeletesFreeThem() {
        rig = ClusterRig.up(ClusterRig.Options.cluster(3));
        Set<String> addresses = createAndDeleteConcurrently();
        assertTrue(addresses.stream().allMatch(a -> a.startsWith("198.51.100.")), "from the pool: " + addresses);
    }

    @Test
    void thirtyConcurrentCreatesOnMetalReserveOneAddressEachAndDeletesReleaseThem() {
        rig = ClusterRig.up(ClusterRig.Options.cluster(3).withMetal());
        createAndDeleteConcurrently();
    }

    /**
     * Creates {@value #CREATES} load balancers at once, spread over the nodes, checks one distinct address each
     * (and with Metal one reservation each, and no other), deletes them all at once, spread the other way, and
     * checks that nothing is left: not in any node's API or kernel, nor at Metal. Returns the addresses.
     */
    private Set<String> createAndDeleteConcurrently() {
        ExecutorService callers = Executors.newFixedThreadPool(CREATES);
        try {
            List<CompletableFuture<JsonNode>> creates = new ArrayList<>();
            for (int i = 0; i < CREATES; i++) {
                int node = i % 3 + 1;
                int port = 8000 + i;
                creates.add(CompletableFuture.supplyAsync(() -> createRetrying(node, "{\"name\":\"race-" + port
                        + "\",\"port\":" + port + "}"), callers));
            }
            Map<String, Integer> portOf = new TreeMap<>();
            for (CompletableFuture<JsonNode> create : creates) {
                JsonNode lb = create.join();
                portOf.put(lb.get("uuid").asText(), lb.get("port").asInt());
            }
            assertEquals(CREATES, portOf.size(), "distinct uuids");
            System.out.printf("cluster: %d concurrent creates over 3 nodes acknowledged, %d sent again after a 503%n",
                    CREATES, retried.get());

            Map<String, String> addressOf = new TreeMap<>();
            for (String uuid : portOf.keySet()) {
                addressOf.put(uuid, rig.awaitActive(1, uuid, Duration.ofSeconds(30)));
            }
            Set<String> addresses = new HashSet<>(addressOf.values());
            assertEquals(CREATES, addresses.size(), "one distinct address per load balancer: " + addressOf);
            for (int n = 2; n <= 3; n++) {
                int node = n;
                ClusterRig.await("node " + n + " shows all " + CREATES + " ACTIVE with the same addresses",
                        Duration.ofSeconds(20), () -> addressOf.entrySet().stream().allMatch(e -> {
                            JsonNode lb = rig.loadBalancer(node, e.getKey());
                            return lb != null && "ACTIVE".equals(lb.path("status").asText())
                                    && e.getValue().equals(lb.path("eip").asText());
                        }), rig::diagnostics);
            }
            for (int n = 1; n <= 3; n++) {
                int node = n;
                ClusterRig.await("node " + n + "'s kernel serves all " + CREATES, Duration.ofSeconds(20),
                        () -> addressOf.entrySet().stream()
                                .allMatch(e -> rig.kernelServes(node, e.getValue(), portOf.get(e.getKey()))),
                        rig::diagnostics);
            }
            if (rig.metal() != null) {
                List<String> reserved = rig.metal().state().publicReservationsNow().stream()
                        .map(r -> r.getString("address")).sorted().toList();
                assertEquals(addresses.stream().sorted().toList(), reserved,
                        "exactly one Metal reservation per load balancer, and no other");
            }

            List<CompletableFuture<Integer>> deletes = new ArrayList<>();
            int i = 0;
            for (String uuid : portOf.keySet()) {
                int node = 3 - i++ % 3;
                deletes.add(CompletableFuture.supplyAsync(
                        () -> rig.node(node).send("DELETE", "/loadbalancer/" + uuid, null).statusCode(), callers));
            }
            for (CompletableFuture<Integer> delete : deletes) {
                int status = delete.join();
                assertTrue(status == 202 || status == 204, "DELETE answered " + status);
            }
            for (int n = 1; n <= 3; n++) {
                int node = n;
                ClusterRig.await("node " + n + " lists no load balancer and its kernel serves none",
                        Duration.ofSeconds(30), () -> rig.expect(node, 200, "GET", "/loadbalancers", null).isEmpty()
                                && addressOf.entrySet().stream().noneMatch(
                                        e -> rig.kernelServes(node, e.getValue(), portOf.get(e.getKey()))),
                        rig::diagnostics);
            }
            if (rig.metal() != null) {
                ClusterRig.await("every Metal reservation released", Duration.ofSeconds(30),
                        () -> rig.metal().state().publicReservationsNow().isEmpty(),
                        () -> rig.metal().state().publicReservationsNow() + "\n" + rig.diagnostics());
            }
            ClusterRig.await("the ToR routes none of the addresses", Duration.ofSeconds(20),
                    () -> addresses.stream().allMatch(a -> rig.torNextHops(a).isEmpty()), rig::diagnostics);
            return addresses;
        } finally {
            callers.shutdownNow();
        }
    }

    /**
     * A create as a careful client sends it: with an Idempotency-Key, sent again (at most 5 times) when the node
     * answers 503 because etcd was slow, which must not reserve a second address.
     */
    private JsonNode createRetrying(int node, String body) {
        String key = UUID.randomUUID().toString();
        HttpResponse<String> answer = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            answer = rig.node(node).send("POST", "/loadbalancer", body, "Idempotency-Key", key);
            if (answer.statusCode() != 503) {
                break;
            }
            retried.incrementAndGet();
        }
        assertEquals(201, answer.statusCode(), "node " + node + ": " + answer.body());
        return ClusterRig.json(answer.body());
    }

    private static long millis(long from, long to) {
        return (to - from) / 1_000_000;
    }
}
