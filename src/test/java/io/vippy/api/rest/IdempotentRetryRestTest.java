package io.vippy.api.rest;

import static io.vippy.api.rest.LoadBalancerRestTest.api;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vippy.testing.VippyTestEnvironment;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/** {@code Idempotency-Key}: a create or add-backend sent again, after any failure, makes nothing twice. */
@QuarkusTest
@WithTestResource(VippyTestEnvironment.class)
class IdempotentRetryRestTest {

    private static String post(String path, String key, String body, int status) {
        return api().header("Idempotency-Key", key).body(body)
                .when().post(path)
                .then().statusCode(status).extract().path("uuid");
    }

    private static List<String> uuidsNamed(String name) {
        return api().get("/loadbalancers").then().statusCode(200).extract().jsonPath()
                .getList("findAll { it.name == '" + name + "' }.uuid", String.class);
    }

    @Test
    void theSameKeyAndBodyAnswerTheFirstLoadBalancerAndMakeNoOther() {
        String name = "retried-" + UUID.randomUUID();
        String key = UUID.randomUUID().toString();
        String first = post("/loadbalancer", key, "{\"name\":\"" + name + "\",\"port\":7001}", 201);
        String again = post("/loadbalancer", key, "{ \"port\" : \"7001\",\n  \"name\": \"" + name + "\" }", 201);
        assertEquals(first, again, "same request, other whitespace, field order and a numeric string: the first uuid");
        assertEquals(List.of(first), uuidsNamed(name), "one load balancer");
        String eip = (String) LoadBalancerRestTest.awaitStatus(first, "ACTIVE").get("eip");
        api().header("Idempotency-Key", key).body("{\"name\":\"" + name + "\",\"port\":7001}")
                .when().post("/loadbalancer")
                .then().statusCode(201).body("uuid", equalTo(first)).body("eip", equalTo(eip))
                .body("status", equalTo("ACTIVE"));
        assertEquals(List.of(first), uuidsNamed(name), "still one, with its one address");
    }

    @Test
    void theSameKeyWithAnotherBodyIsRefusedWith422AndASentence() {
        String key = UUID.randomUUID().toString();
        String name = "first-" + UUID.randomUUID();
        post("/loadbalancer", key, "{\"name\":\"" + name + "\",\"port\":7002}", 201);
        api().header("Idempotency-Key", key).body("{\"name\":\"" + name + "\",\"port\":7003}")
                .when().post("/loadbalancer")
                .then().statusCode(422)
                .body("error", containsString("idempotency key \"" + key + "\" came with a different request"));
        assertEquals(1, uuidsNamed(name).size());
        api().header("Idempotency-Key", "k".repeat(256)).body("{\"name\":\"x\",\"port\":7004}").when().post("/loadbalancer")
                .then().statusCode(400).body("error", containsString("must be 1 to 255 characters"));
    }

    @Test
    void anAddBackendRetryMakesOneBackendAndTheKeyIsScopedToTheOperation() {
        String key = UUID.randomUUID().toString();
        String lb = post("/loadbalancer", key, "{\"name\":\"backends-" + key + "\",\"port\":7005}", 201);
        String path = "/loadbalancer/" + lb + "/backend";
        String backend = post(path, key, "{\"ip\":\"10.0.0.9\",\"port\":80}", 201);
        assertEquals(backend, post(path, key, "{\"port\":80, \"ip\":\"10.0.0.9\", \"weight\":1}", 201),
                "a retry (the default weight spelt out) answers the first backend, not 409");
        api().get("/loadbalancer/" + lb).then().body("backends", hasSize(1)).body("backends[0].uuid", equalTo(backend));
        api().header("Idempotency-Key", key).body("{\"ip\":\"10.0.0.10\",\"port\":80}").when().post(path)
                .then().statusCode(422);
        String other = post("/loadbalancer", UUID.randomUUID().toString(), "{\"name\":\"other-" + key + "\",\"port\":7006}", 201);
        post("/loadbalancer/" + other + "/backend", key, "{\"ip\":\"10.0.0.10\",\"port\":80}", 201);
        api().header("Idempotency-Key", key).body("{\"ip\":\"10.0.0.9\",\"port\":80}").when().post(path)
                .then().statusCode(201).body("uuid", equalTo(backend));
    }

    /** A repeat after the delete would make a second load balancer with a second address: refused instead. */
    @Test
    void aRetryAfterTheDeleteIsRefusedAndMakesNothing() {
        String name = "deleted-" + UUID.randomUUID();
        String key = UUID.randomUUID().toString();
        String body = "{\"name\":\"" + name + "\",\"port\":7008}";
        String lb = post("/loadbalancer", key, body, 201);
        String path = "/loadbalancer/" + lb + "/backend";
        String backend = post(path, key, "{\"ip\":\"10.0.0.11\",\"port\":80}", 201);
        api().delete(path + "/" + backend).then().statusCode(204);
        api().header("Idempotency-Key", key).body("{\"ip\":\"10.0.0.11\",\"port\":80}").when().post(path)
                .then().statusCode(422).body("error", equalTo("backend " + backend + ", made by the first request with"
                        + " idempotency key \"" + key + "\", has been removed since; use a new key to make another."));
        api().get("/loadbalancer/" + lb).then().body("backends", nullValue()); // none, as the walkthrough shows it

        api().delete("/loadbalancer/" + lb).then().statusCode(anyOf(equalTo(202), equalTo(204)));
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                .until(() -> api().get("/loadbalancer/" + lb).statusCode() == 404);
        api().header("Idempotency-Key", key).body(body).when().post("/loadbalancer")
                .then().statusCode(422).body("error", containsString("load balancer " + lb + ", made by the first"
                        + " request with idempotency key \"" + key + "\", has been deleted since"));
        assertEquals(List.of(), uuidsNamed(name), "not made again");
    }

    /** The first answer is lost (the client hangs up before reading it): the retry finds what the first call made. */
    @Test
    void aRetryAfterTheConnectionWasCutBeforeTheAnswerMakesNoSecondLoadBalancer() throws Exception {
        String name = "cut-" + UUID.randomUUID();
        String key = UUID.randomUUID().toString();
        String body = "{\"name\":\"" + name + "\",\"port\":7007}";
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        List<String> made;
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /loadbalancer HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                    + VippyTestEnvironment.TOKEN + "\r\nIdempotency-Key: " + key + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            // Held open until the call has made its load balancer (a server may drop a request whose client left
            // before it was dispatched), then closed without reading a byte of the answer.
            made = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> uuidsNamed(name), uuids -> !uuids.isEmpty());
        }
        String retried = post("/loadbalancer", key, body, 201);
        assertEquals(made, List.of(retried), "the retry answers what the unanswered call made");
        assertEquals(List.of(retried), uuidsNamed(name), "exactly one load balancer");
    }
}
