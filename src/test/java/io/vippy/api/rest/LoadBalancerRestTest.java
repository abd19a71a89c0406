package io.vippy.api.rest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import io.vippy.testing.VippyTestEnvironment;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The original walkthrough's curl commands, the calls it lacked, and every way to send bad input. */
@QuarkusTest
@WithTestResource(VippyTestEnvironment.class)
class LoadBalancerRestTest {
    private static final String TOKEN = VippyTestEnvironment.TOKEN;
    private static final String UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    static RequestSpecification api() {
        return given().header("Authorization", "Bearer " + TOKEN);
    }

    static String create(String body) {
        return api().contentType("application/json").body(body)
                .when().post("/loadbalancer")
                .then().statusCode(201).extract().path("uuid");
    }

    static Map<String, Object> awaitStatus(String uuid, String status) {
        return await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50)).until(
                () -> api().get("/loadbalancer/" + uuid).then().extract().jsonPath().getMap(""),
                lb -> status.equals(lb.get("status")));
    }

    static List<String> addressesOnLo() {
        return List.of(VippyTestEnvironment.namespace().exec("ip", "-o", "addr", "show", "dev", "lo").orThrow().split("\n"));
    }

    @Test
    void theOriginalWalkthrough() {
        // curl -X POST http://<host>:10001/loadbalancer -H 'Content-Type: application/json' -d '{"name":"test loadbalancer", "port": 6443}'
        String uuid = api().contentType("application/json").body("{\"name\":\"test loadbalancer\", \"port\": 6443}")
                .when().post("/loadbalancer")
                .then().statusCode(201)
                .body("uuid", matchesPattern(UUID_PATTERN))
                .body("name", equalTo("test loadbalancer"))
                .body("port", equalTo(6443))
                .body("backends", nullValue())
                .body("status", equalTo("PENDING"))
                .extract().path("uuid");

        Map<String, Object> active = awaitStatus(uuid, "ACTIVE");
        String eip = (String) active.get("eip");
        assertTrue(eip.matches("203\\.0\\.113\\.\\d+"), eip);
        assertTrue(addressesOnLo().stream().anyMatch(line -> line.contains(eip + "/32")), "the address is on lo");

        // curl -s http://<host>:10001/loadbalancers | jq
        api().get("/loadbalancers").then().statusCode(200)
                .body("find { it.uuid == '" + uuid + "' }.name", equalTo("test loadbalancer"))
                .body("find { it.uuid == '" + uuid + "' }.eip", equalTo(eip))
                .body("find { it.uuid == '" + uuid + "' }.backends", nullValue());

        // curl -X POST http://<host>:10001/loadbalancer/<uuid>/backend -d '{"ip":"10.80.96.25", "port": 6443}'
        // (curl sends application/x-www-form-urlencoded: the body is JSON all the same)
        String backend = api().contentType("application/x-www-form-urlencoded")
                .body("{\"ip\":\"10.80.96.25\", \"port\": 6443}")
                .when().post("/loadbalancer/" + uuid + "/backend")
                .then().statusCode(201)
                .body("uuid", matchesPattern(UUID_PATTERN))
                .body("ip", equalTo("10.80.96.25"))
                .body("port", equalTo(6443))
                .body("weight", equalTo(1))
                .extract().path("uuid");

        api().get("/loadbalancers").then().statusCode(200)
                .body("find { it.uuid == '" + uuid + "' }.backends", hasSize(1))
                .body("find { it.uuid == '" + uuid + "' }.backends[0].uuid", equalTo(backend))
                .body("find { it.uuid == '" + uuid + "' }.backends[0].ip", equalTo("10.80.96.25"))
                .body("find { it.uuid == '" + uuid + "' }.backends[0].port", equalTo(6443));

        api().get("/loadbalancer/" + uuid).then().statusCode(200).body("backends", hasSize(1));

        api().contentType("application/json").body("{\"weight\": 0}")
                .patch("/loadbalancer/" + uuid + "/backend/" + backend)
                .then().statusCode(200).body("weight", equalTo(0));

        api().delete("/loadbalancer/" + uuid + "/backend/" + backend).then().statusCode(204);
        api().get("/loadbalancer/" + uuid).then().body("backends", nullValue());

        // curl -X DELETE http://<node>:10001/loadbalancer/<uuid>
        int status = api().delete("/loadbalancer/" + uuid).then().extract().statusCode();
        assertTrue(status == 204 || status == 202, "DELETE answered " + status);
        await().atMost(Duration.ofSeconds(15))
                .until(() -> api().get("/loadbalancer/" + uuid).statusCode() == 404);
        assertFalse(addressesOnLo().stream().anyMatch(line -> line.contains(eip + "/")), "the address left lo");
        api().delete("/loadbalancer/" + uuid).then().statusCode(404);
    }

    @Test
    void portAsNumericStringAndTheContractsOptions() {
        String uuid = create("{\"name\":\"udp\",\"port\":\"53\",\"protocol\":\"udp\",\"scheduler\":\"mh\","
                + "\"healthCheck\":{\"type\":\"http\",\"path\":\"/healthz\",\"intervalMs\":500,\"timeoutMs\":200}}");
        api().get("/loadbalancer/" + uuid).then().statusCode(200)
                .body("port", equalTo(53))
                .body("protocol", equalTo("udp"))
                .body("scheduler", equalTo("mh"))
                .body("ipFamily", equalTo("ipv4"))
                .body("healthCheck.type", equalTo("http"))
                .body("healthCheck.path", equalTo("/healthz"))
                .body("healthCheck.rise", equalTo(2));
        api().delete("/loadbalancer/" + uuid);
    }

    @Test
    void ipv6LoadBalancerGetsAnAddressFromTheIpv6Pool() {
        String uuid = create("{\"name\":\"v6\",\"port\":443,\"ipFamily\":\"ipv6\"}");
        Map<String, Object> active = awaitStatus(uuid, "ACTIVE");
        assertTrue(((String) active.get("eip")).startsWith("2001:db8:ffff::"), active.toString());
        api().contentType("application/json").body("{\"ip\":\"10.0.0.1\",\"port\":443}")
                .post("/loadbalancer/" + uuid + "/backend")
                .then().statusCode(400).body("error", containsString("NAT cannot cross address families"));
        api().delete("/loadbalancer/" + uuid);
    }

    @Test
    void badCreateRequestsGetA400AndASentenceAndChangeNothing() {
        int before = api().get("/loadbalancers").then().extract().jsonPath().getList("").size();
        Map<String, String> cases = Map.ofEntries(
                Map.entry("{\"name\":\"x\",\"port\":", "not valid JSON"),
                Map.entry("[1,2]", "must be a JSON object"),
                Map.entry("", "needs a JSON object body"),
                Map.entry("{\"port\":80}", "name is required"),
                Map.entry("{\"name\":\"  \",\"port\":80}", "name is required"),
                Map.entry("{\"name\":42,\"port\":80}", "name must be a string"),
                Map.entry("{\"name\":\"x\"}", "port is required"),
                Map.entry("{\"name\":\"x\",\"port\":0}", "port must be a whole number from 1 to 65535"),
                Map.entry("{\"name\":\"x\",\"port\":65536}", "port must be a whole number from 1 to 65535"),
                Map.entry("{\"name\":\"x\",\"port\":\"http\"}", "port must be a whole number from 1 to 65535"),
                Map.entry("{\"name\":\"x\",\"port\":80.5}", "port must be a whole number from 1 to 65535"),
                Map.entry("{\"name\":\"x\",\"port\":true}", "port must be a whole number from 1 to 65535"),
                Map.entry("{\"name\":\"x\",\"port\":80,\"colour\":\"red\"}", "unknown field \"colour\""),
                Map.entry("{\"name\":\"x\",\"port\":80,\"protocol\":\"sctp\"}", "protocol must be one of tcp, udp"),
                Map.entry("{\"name\":\"x\",\"port\":80,\"ipFamily\":\"ipx\"}", "ipFamily must be one of"),
                Map.entry("{\"name\":\"x\",\"port\":80,\"healthCheck\":{\"type\":\"http\"}}", "healthCheck.path"),
                Map.entry("{\"name\":\"x\",\"port\":80,\"healthCheck\":{\"type\":\"tcp\",\"bogus\":1}}",
                        "unknown field \"healthCheck.bogus\""));
        cases.forEach((body, sentence) -> api().contentType("application/json").body(body)
                .post("/loadbalancer")
                .then().statusCode(400).body("error", containsString(sentence)));
        api().contentType("application/json").body("{\"name\":\"x\",\"port\":80,\"scheduler\":\"lc\"}")
                .post("/loadbalancer")
                .then().statusCode(422).body("error", containsString("cannot do scheduler lc"));
        api().contentType("application/json").body("{\"name\":\"" + "x".repeat(70_000) + "\",\"port\":80}")
                .post("/loadbalancer")
                .then().statusCode(413).body("error", containsString("larger than"));
        assertEquals(before, api().get("/loadbalancers").then().extract().jsonPath().getList("").size());
    }

    @Test
    void badBackendRequestsAndUnknownIds() {
        String uuid = create("{\"name\":\"backends\",\"port\":8080}");
        String eip = (String) awaitStatus(uuid, "ACTIVE").get("eip");
        String path = "/loadbalancer/" + uuid + "/backend";
        String backend = api().body("{\"ip\":\"10.0.0.7\",\"port\":8080,\"weight\":5}").post(path)
                .then().statusCode(201).body("weight", equalTo(5)).extract().path("uuid");

        api().body("{\"ip\":\"10.0.0.7\",\"port\":8080}").post(path)
                .then().statusCode(409).body("error", containsString("already has backend 10.0.0.7:8080"));
        Map.of(
                "{\"ip\":\"10.0.0.300\",\"port\":1}", "ip must be an IPv4 or IPv6 address",
                "{\"ip\":\"backend.example\",\"port\":1}", "ip must be an IPv4 or IPv6 address",
                "{\"ip\":\"" + eip + "\",\"port\":1}", "the load balancer's own address",
                "{\"ip\":\"10.0.0.8\"}", "port is required",
                "{\"ip\":\"10.0.0.8\",\"port\":1,\"weight\":-1}", "weight must be a whole number from 0 to 65535",
                "{\"ip\":10,\"port\":1}", "ip must be a string",
                "{\"port\":1}", "ip is required",
                "{\"ip\":\"0.0.0.0\",\"port\":1}", "not a unicast host address")
                .forEach((body, sentence) -> api().body(body).post(path)
                        .then().statusCode(400).body("error", containsString(sentence)));
        api().body("{\"weight\":\"heavy\"}").patch(path + "/" + backend)
                .then().statusCode(400).body("error", containsString("weight must be"));
        api().get("/loadbalancer/" + uuid).then().body("backends", hasSize(1)).body("backends[0].weight", equalTo(5));

        String unknown = "00000000-0000-4000-8000-000000000000";
        api().get("/loadbalancer/" + unknown).then().statusCode(404).body("error", containsString(unknown));
        api().get("/loadbalancer/not-a-uuid").then().statusCode(404).body("error", notNullValue());
        api().body("{\"ip\":\"10.0.0.9\",\"port\":1}").post("/loadbalancer/" + unknown + "/backend").then().statusCode(404);
        api().delete(path + "/" + unknown).then().statusCode(404).body("error", containsString("has no backend"));
        api().body("{\"weight\":1}").patch(path + "/" + unknown).then().statusCode(404);
        api().delete("/loadbalancer/" + uuid);
    }

    @Test
    void authenticationGuardsEverythingButHealth() {
        given().get("/loadbalancers").then().statusCode(401).body("error", containsString("Authorization: Bearer"));
        given().header("Authorization", "Bearer wrong-token-0123456789").get("/loadbalancers").then().statusCode(401);
        given().header("Authorization", "Basic " + TOKEN).get("/loadbalancers").then().statusCode(401);
        given().contentType("application/grpc").get("/loadbalancers").then().statusCode(401);
        given().get("/q/metrics").then().statusCode(401);
        given().get("/q/health/live").then().statusCode(200);
        api().get("/q/openapi").then().statusCode(200);
    }

    @Test
    void bgpPeersAreListedAndNoneIsConfiguredHere() {
        given().get("/bgp/peers").then().statusCode(401);
        api().get("/bgp/peers").then().statusCode(200).body("", hasSize(0));
    }

    static ValidatableResponse list() {
        return api().get("/loadbalancers").then().statusCode(200);
    }
}
