package io.vippy.testing;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/**
 * What every fault-injection test asks of the running Vippy (REST, with the test token): that an acknowledged
 * load balancer shows the fault in its status and in the metrics while the fault lasts, and comes up by itself.
 */
public final class FaultChecks {
    private FaultChecks() {
    }

    public static RequestSpecification api() {
        return given().header("Authorization", "Bearer " + VippyTestEnvironment.TOKEN).contentType("application/json");
    }

    /** Creates a load balancer; the API acknowledges it whatever fails behind it. */
    public static String create(String name, int port) {
        return api().body("{\"name\":\"" + name + "\",\"port\":" + port + "}").post("/loadbalancer")
                .then().statusCode(201).extract().path("uuid");
    }

    /** Polls the load balancer (every 100 ms, at most {@code within}) until the condition holds; returns it. */
    public static Map<String, Object> awaitLoadBalancer(String uuid, String what, Duration within,
            Predicate<Map<String, Object>> condition) {
        return Awaitility.await(what).atMost(within).pollInterval(Duration.ofMillis(100))
                .until(() -> api().get("/loadbalancer/" + uuid).then().statusCode(200).extract().jsonPath().getMap(""),
                        condition::test);
    }

    /**
     * The fault, named by {@code messageFragment}, shows: the load balancer is kept (listed), PENDING with a
     * message saying it will retry, counted among the PENDING ones and as failures of {@code step} in the metrics.
     */
    public static void assertFaultShows(String uuid, String messageFragment, String step, Duration within) {
        Map<String, Object> failing = awaitLoadBalancer(uuid, messageFragment + " in the status", within,
                lb -> String.valueOf(lb.get("message")).contains(messageFragment));
        assertEquals("PENDING", failing.get("status"), "retried, not given up: " + failing);
        assertTrue(String.valueOf(failing.get("message")).startsWith("retrying after:"), failing.toString());
        assertEquals(1, api().get("/loadbalancers").then().statusCode(200).extract().jsonPath()
                .getList("findAll { it.uuid == '" + uuid + "' }").size(), "the acknowledged create is kept");
        // The status gauge follows at the next metrics refresh (vippy.metrics.refresh-interval).
        Awaitility.await("PENDING counted and " + step + " failures timed in the metrics").atMost(within)
                .pollInterval(Duration.ofMillis(250))
                .until(() -> api().get("/q/metrics").then().statusCode(200).extract().asString(), metrics ->
                        metrics.lines().anyMatch(line -> line.startsWith("vippy_loadbalancers{")
                                && line.contains("status=\"PENDING\"") && !line.endsWith(" 0.0"))
                        && metrics.lines().anyMatch(line -> line.startsWith("vippy_reconcile_step_seconds_count{")
                                && line.contains("step=\"" + step + "\"") && line.contains("outcome=\"failure\"")));
    }

    /** Once the fault is gone, the load balancer becomes ACTIVE with no call and no restart; returns it. */
    public static Map<String, Object> awaitRecovered(String uuid, Duration within) {
        return awaitLoadBalancer(uuid, "ACTIVE once the fault cleared", within, lb -> "ACTIVE".equals(lb.get("status")));
    }
}
