package io.vippy.health;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vippy.core.LoadBalancerService;
import io.vippy.core.events.LoadBalancerEvent;
import jakarta.inject.Inject;
import io.vippy.testing.Futures;
import io.vippy.testing.EchoConnection;
import io.vippy.testing.VippyTestEnvironment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Health checks end to end: Vippy in a namespace with real backends, real client connections through the VIP,
 * and BIRD as the top-of-rack router that sees routes come and go.
 */
@QuarkusTest
@WithTestResource(HealthTestRig.class)
class HealthTrafficTest {
    @Inject
    LoadBalancerService service;
    /** Checks every 200 ms: two failures (400 ms) take a backend out, two successes bring it back. */
    private static final String FAST_CHECK = "{\"type\":\"tcp\",\"intervalMs\":200,\"timeoutMs\":200,\"rise\":2,\"fall\":2}";
    /**
     * Two failed checks take 400 ms; the rest is room for a loaded CI machine. How fast it really is belongs to
     * {@code bench/}, not to an assertion here.
     */
    private static final Duration DETECTION_BOUND = Duration.ofSeconds(5);
    /** How long BIRD may take to show a change Vippy has already made. */
    private static final Duration AT_THE_ROUTER = Duration.ofSeconds(10);

    private static RequestSpecification api() {
        return given().header("Authorization", "Bearer " + VippyTestEnvironment.TOKEN).contentType("application/json");
    }

    private static HealthTestRig rig() {
        return HealthTestRig.running();
    }

    /** A load balancer on {@code port} with backends be1..beN (servers started), ACTIVE and all healthy. */
    private static String loadBalancerWithHealthyBackends(int port, int backends) {
        return loadBalancerWithHealthyBackends(port, backends, FAST_CHECK);
    }

    private static String loadBalancerWithHealthyBackends(int port, int backends, String healthCheck) {
        return loadBalancerWithHealthyBackends(port, backends, healthCheck, true);
    }

    private static String loadBalancerWithHealthyBackends(int port, int backends, String healthCheck,
            boolean startEchoServers) {
        for (int i = 1; startEchoServers && i <= backends; i++) {
            rig().startServer(i, port);
        }
        String uuid = api().body("{\"name\":\"health-" + port + "\",\"port\":" + port + ",\"healthCheck\":" + healthCheck + "}")
                .post("/loadbalancer").then().statusCode(201).extract().path("uuid");
        for (int i = 1; i <= backends; i++) {
            api().body("{\"ip\":\"" + HealthTestRig.backendIp(i) + "\",\"port\":" + port + "}")
                    .post("/loadbalancer/" + uuid + "/backend").then().statusCode(201);
        }
        awaitLoadBalancer(uuid, "all backends healthy", Duration.ofSeconds(30), lb -> "ACTIVE".equals(lb.get("status"))
                && healthOf(lb).values().stream().allMatch("healthy"::equals) && healthOf(lb).size() == backends);
        return uuid;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> healthOf(Map<String, Object> lb) {
        Map<String, String> health = new TreeMap<>();
        List<Map<String, Object>> backends = (List<Map<String, Object>>) lb.get("backends");
        if (backends != null) {
            backends.forEach(b -> health.put(b.get("ip") + ":" + b.get("port"), (String) b.get("health")));
        }
        return health;
    }

    private static Map<String, Object> awaitLoadBalancer(String uuid, String what, Duration within,
            Predicate<Map<String, Object>> condition) {
        return Awaitility.await(what).atMost(within).pollInterval(Duration.ofMillis(50))
                .until(() -> api().get("/loadbalancer/" + uuid).then().extract().jsonPath().getMap(""), condition::test);
    }

    private static String eip(String uuid) {
        return api().get("/loadbalancer/" + uuid).then().extract().path("eip");
    }

    /** {@code count} connections at once; answers by backend name ("failed: ..." for failures). */
    private static Map<String, Integer> tally(String vip, int port, int count) {
        List<Future<String>> answers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            answers.add(rig().requestAsync(vip, port));
        }
        Map<String, Integer> hits = new TreeMap<>();
        answers.forEach(answer -> hits.merge(Futures.await(answer), 1, Integer::sum));
        return hits;
    }

    @Test
    void aDeadBackendStopsGettingConnectionsWithinIntervalTimesFallAndRejoinsAfterRise() {
        int port = 80;
        String uuid = loadBalancerWithHealthyBackends(port, 3);
        String vip = eip(uuid);
        assertEquals(Map.of("be1", 20, "be2", 20, "be3", 20), tally(vip, port, 60), "round robin over three");
        List<String> changes = new CopyOnWriteArrayList<>();
        Cancellable watching = service.watch(java.util.OptionalLong.empty())
                .filter(event -> event.type() == LoadBalancerEvent.Type.UPSERTED
                        && event.loadBalancer().uuid().toString().equals(uuid))
                .subscribe().with(event -> changes.add(event.loadBalancer().backends().stream()
                        .map(b -> b.health().wireName()).toList().toString()));

        rig().stopServer(2, port);
        long stopped = System.nanoTime();
        awaitLoadBalancer(uuid, "be2 unhealthy", DETECTION_BOUND,
                lb -> "unhealthy".equals(healthOf(lb).get("10.30.2.2:" + port)));
        // The kernel had the verdict before the API showed it.
        Awaitility.await("no new connection to be2").atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(20))
                .until(() -> rig().request(vip, port).matches("be[13]") && rig().request(vip, port).matches("be[13]"));
        long removedMs = (System.nanoTime() - stopped) / 1_000_000;
        assertEquals(Map.of("be1", 30, "be3", 30), tally(vip, port, 60),
                "after " + removedMs + " ms, every new connection goes to the two healthy backends");

        rig().startServer(2, port);
        awaitLoadBalancer(uuid, "be2 healthy again", DETECTION_BOUND,
                lb -> "healthy".equals(healthOf(lb).get("10.30.2.2:" + port)));
        Awaitility.await("be2 takes connections again").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> tally(vip, port, 30).equals(Map.of("be1", 10, "be2", 10, "be3", 10)));
        watching.cancel();
        assertEquals(List.of("[healthy, unhealthy, healthy]", "[healthy, healthy, healthy]"), changes,
                "the watch stream carries each change of health once, and nothing for the checks in between");
    }

    /**
     * What the API says, the kernel does: once the API shows a killed backend unhealthy, the kernel has already
     * stopped sending it new connections, so not one of the next requests fails.
     */
    @Test
    void onceTheApiShowsAKilledBackendUnhealthyEveryNextRequestSucceeds() {
        int port = 84;
        for (int i = 1; i <= 3; i++) {
            rig().startHttpServer(i, port);
        }
        String uuid = loadBalancerWithHealthyBackends(port, 3,
                "{\"type\":\"http\",\"path\":\"/\",\"intervalMs\":300,\"timeoutMs\":300,\"rise\":2,\"fall\":2}",
                false);
        String vip = eip(uuid);
        Map<String, Integer> before = new TreeMap<>();
        for (int i = 0; i < 30; i++) {
            before.merge(rig().httpRequest(vip, port), 1, Integer::sum);
        }
        assertEquals(Map.of("be1", 10, "be2", 10, "be3", 10), before, "round robin over three HTTP backends");

        rig().stopHttpServer(2, port);
        // Generous: how soon the API shows it is not the point here, but that the kernel had it by then.
        awaitLoadBalancer(uuid, "be2 unhealthy", Duration.ofSeconds(15),
                lb -> "unhealthy".equals(healthOf(lb).get("10.30.2.2:" + port)));
        Map<String, Integer> after = new TreeMap<>();
        for (int i = 0; i < 30; i++) {
            after.merge(rig().httpRequest(vip, port), 1, Integer::sum);
        }
        assertEquals(Map.of("be1", 15, "be3", 15), after,
                "right after the API showed be2 unhealthy, every new request goes to a live backend");
    }

    /**
     * Fault: a backend's network going away (its link down on the node). The backend shows unhealthy in the API
     * and the metrics, every request goes to the other one meanwhile, and when the link comes back the backend
     * rejoins by itself.
     */
    @Test
    void aBackendWhoseNetworkGoesAwayIsTakenOutAndRejoinsWhenItComesBack() {
        int port = 85;
        String uuid = loadBalancerWithHealthyBackends(port, 2);
        String vip = eip(uuid);
        String lb = "loadbalancer=\"" + uuid + "\"";
        rig().node().exec("ip", "link", "set", "b1", "down").orThrow();
        try {
            awaitLoadBalancer(uuid, "be1 unhealthy", Duration.ofSeconds(15),
                    lb2 -> "unhealthy".equals(healthOf(lb2).get("10.30.1.2:" + port)));
            assertEquals(Map.of("be2", 10), tally(vip, port, 10), "the backend left is the only one used");
            Awaitility.await("unhealthy in the metrics").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                    .until(() -> metric(api().get("/q/metrics").then().statusCode(200).extract().asString(),
                            "vippy_backend_health", lb, "backend=\"10.30.1.2:" + port + "\"", "health=\"unhealthy\"") == 1);
        } finally {
            rig().node().exec("ip", "link", "set", "b1", "up").orThrow();
        }
        awaitLoadBalancer(uuid, "be1 healthy again", Duration.ofSeconds(20),
                lb2 -> "healthy".equals(healthOf(lb2).get("10.30.1.2:" + port)));
        Awaitility.await("be1 takes connections again").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200))
                .until(() -> tally(vip, port, 10).keySet().equals(java.util.Set.of("be1", "be2")));
    }

    /**
     * Fault: the whole backend network going away while the load balancer is ACTIVE: one backend's link set down on
     * the node, the other's deleted. Both show unhealthy and the load balancer DEGRADED with a message, in the API
     * and the metrics, and its route leaves the router; once the links are back, it is ACTIVE again by itself, with
     * its route and both backends taking connections.
     */
    @Test
    void theBackendNetworkGoingAwayDegradesTheLoadBalancerAndItRecoversWhenTheLinksReturn() {
        int port = 86;
        String uuid = loadBalancerWithHealthyBackends(port, 2);
        String vip = eip(uuid);
        String prefix = vip + "/32";
        String lb = "loadbalancer=\"" + uuid + "\"";
        Awaitility.await("route at BIRD").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                .until(() -> rig().bird().hasRoute(prefix));

        rig().node().exec("ip", "link", "set", "b1", "down").orThrow();
        rig().deleteBackendLink(2);
        try {
            Map<String, Object> degraded = awaitLoadBalancer(uuid, "DEGRADED", Duration.ofSeconds(15),
                    lb2 -> "DEGRADED".equals(lb2.get("status")));
            assertEquals(Map.of("10.30.1.2:86", "unhealthy", "10.30.2.2:86", "unhealthy"), healthOf(degraded));
            assertEquals("no backend is healthy; route withdrawn", degraded.get("message"), degraded.toString());
            Awaitility.await("route withdrawn at BIRD").atMost(AT_THE_ROUTER).pollInterval(Duration.ofMillis(20))
                    .until(() -> !rig().bird().hasRoute(prefix));
            Awaitility.await("DEGRADED and both unhealthy in the metrics").atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> api().get("/q/metrics").then().statusCode(200).extract().asString(), text ->
                            metric(text, "vippy_loadbalancers", "status=\"DEGRADED\"") >= 1
                                    && metric(text, "vippy_backend_health", lb, "health=\"unhealthy\"") == 2);
        } finally {
            rig().node().exec("ip", "link", "set", "b1", "up").orThrow();
            rig().linkBackend(2);
        }
        awaitLoadBalancer(uuid, "ACTIVE again, both backends healthy", Duration.ofSeconds(20),
                lb2 -> "ACTIVE".equals(lb2.get("status")) && healthOf(lb2).values().stream().allMatch("healthy"::equals));
        Awaitility.await("route back at BIRD").atMost(AT_THE_ROUTER).pollInterval(Duration.ofMillis(20))
                .until(() -> rig().bird().hasRoute(prefix));
        Awaitility.await("both backends take connections again").atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> tally(vip, port, 10).keySet().equals(java.util.Set.of("be1", "be2")));
    }

    @Test
    void withEveryBackendDownTheRouteLeavesTheRouterAndComesBackWithTheFirstRecovery() {
        int port = 81;
        String uuid = loadBalancerWithHealthyBackends(port, 2);
        String prefix = eip(uuid) + "/32";
        Awaitility.await("route at BIRD").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                .until(() -> rig().bird().hasRoute(prefix));

        rig().stopServer(1, port);
        rig().stopServer(2, port);
        Map<String, Object> degraded = awaitLoadBalancer(uuid, "DEGRADED", DETECTION_BOUND.plusSeconds(1),
                lb -> "DEGRADED".equals(lb.get("status")));
        assertEquals(Map.of("10.30.1.2:81", "unhealthy", "10.30.2.2:81", "unhealthy"), healthOf(degraded));
        assertTrue(((String) degraded.get("message")).contains("route withdrawn"), degraded.toString());
        Awaitility.await("route withdrawn at BIRD").atMost(AT_THE_ROUTER).pollInterval(Duration.ofMillis(20))
                .until(() -> !rig().bird().hasRoute(prefix));

        rig().startServer(1, port);
        awaitLoadBalancer(uuid, "ACTIVE again", DETECTION_BOUND.plusSeconds(1), lb -> "ACTIVE".equals(lb.get("status")));
        Awaitility.await("route back at BIRD").atMost(AT_THE_ROUTER).pollInterval(Duration.ofMillis(20))
                .until(() -> rig().bird().hasRoute(prefix));
        assertEquals(Map.of("be1", 10), tally(eip(uuid), port, 10), "the recovered backend takes everything");
    }

    @Test
    void drainingABackendKeepsItsConnectionsAndDeletingDrainsTheRouteFirst() throws Exception {
        int port = 82;
        String uuid = loadBalancerWithHealthyBackends(port, 2);
        String vip = eip(uuid);
        String prefix = vip + "/32";
        Awaitility.await("route at BIRD").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                .until(() -> rig().bird().hasRoute(prefix));
        try (EchoConnection session = rig().connect(vip, port)) {
            int drained = Integer.parseInt(session.backend.substring(2));
            String backendUuid = api().get("/loadbalancer/" + uuid).then().extract()
                    .path("backends.find { it.ip == '" + HealthTestRig.backendIp(drained) + "' }.uuid");
            api().body("{\"weight\":0}").patch("/loadbalancer/" + uuid + "/backend/" + backendUuid)
                    .then().statusCode(200);
            Awaitility.await("new connections avoid the drained backend").atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> tally(vip, port, 20).equals(Map.of("be" + (3 - drained), 20)));
            assertEquals(session.backend + " still here", session.echo("still here"),
                    "the established connection to the drained backend keeps working");

            long deleted = System.nanoTime();
            assertEquals(202, api().delete("/loadbalancer/" + uuid).then().extract().statusCode(),
                    "DELETE answers 202 (after 2 s) while the route drains (vippy.drain-delay=4s)");
            assertTrue(rig().bird().birdc("show route " + prefix + " all").contains("(65535,0)"),
                    "the route carries graceful shutdown while draining:\n" + rig().bird().birdc("show route " + prefix + " all"));
            Awaitility.await("route withdrawn after the drain delay").atMost(Duration.ofSeconds(6))
                    .pollInterval(Duration.ofMillis(20)).until(() -> !rig().bird().hasRoute(prefix));
            long drainedMs = (System.nanoTime() - deleted) / 1_000_000;
            assertTrue(drainedMs >= 3900, "withdrawn only after the drain delay: " + drainedMs + " ms");
            Awaitility.await("gone").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                    .until(() -> api().get("/loadbalancer/" + uuid).statusCode() == 404);
        }
    }

    @Test
    void metricsCountEveryConnectionPerBackendAndShowHealthBgpAndReconcileSteps() {
        int port = 83;
        // A check that cannot flap on a loaded machine: a flap re-plans the kernel's slots, restarting their counters.
        String uuid = loadBalancerWithHealthyBackends(port, 2,
                "{\"type\":\"tcp\",\"intervalMs\":200,\"timeoutMs\":200,\"rise\":1,\"fall\":10}");
        String lb = "loadbalancer=\"" + uuid + "\"";
        assertEquals(Map.of("be1", 20, "be2", 20), tally(eip(uuid), port, 40));

        String metrics = Awaitility.await("kernel counters in /q/metrics").atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> api().get("/q/metrics").then().statusCode(200).extract().asString(),
                        text -> metric(text, "vippy_loadbalancer_connections_total", lb) == 40
                                && metric(text, "vippy_backend_connections_total", lb, "backend=\"10.30.1.2:83\"")
                                + metric(text, "vippy_backend_connections_total", lb, "backend=\"10.30.2.2:83\"") == 40);
        assertEquals(20, metric(metrics, "vippy_backend_connections_total", lb, "backend=\"10.30.1.2:83\""), metrics);
        assertEquals(20, metric(metrics, "vippy_backend_connections_total", lb, "backend=\"10.30.2.2:83\""));
        assertEquals(1, metric(metrics, "vippy_backend_health", lb, "backend=\"10.30.1.2:83\"", "health=\"healthy\""));
        assertEquals(0, metric(metrics, "vippy_backend_health", lb, "backend=\"10.30.1.2:83\"", "health=\"unhealthy\""));
        assertEquals(1, metric(metrics, "vippy_bgp_session_established", "peer=\"192.168.100.1"));
        assertTrue(metric(metrics, "vippy_bgp_prefixes_sent", "peer=\"192.168.100.1") >= 1, metrics);
        assertTrue(metric(metrics, "vippy_reconcile_step_seconds_count", "step=\"programService\"",
                "outcome=\"success\"") >= 1, metrics);
        assertTrue(metric(metrics, "vippy_health_checks") >= 2, metrics);
        assertTrue(metric(metrics, "http_server_requests_seconds_count", "uri=\"/loadbalancer/{uuid}\"") >= 1,
                "API request latency, with templated paths:\n" + metrics);
    }

    /** The sum of the samples of {@code name} whose labels contain every fragment; NaN when there is none. */
    private static double metric(String text, String name, String... labelFragments) {
        double[] values = text.lines()
                .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                .filter(line -> java.util.Arrays.stream(labelFragments).allMatch(line::contains))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .toArray();
        return values.length == 0 ? Double.NaN : java.util.Arrays.stream(values).sum();
    }
}
