package io.vippy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vippy.address.metal.fake.FakeMetalApi;
import io.vippy.address.metal.fake.FakeMetalFaults.Kind;
import io.vippy.testing.RootOnly;
import io.vippy.testing.TestNamespace;
import io.vippy.testing.VippyProcess;
import io.vippy.testing.VippyTestEnvironment;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar in Equinix Metal mode, killed with SIGKILL while the Metal API is in the middle of
 * reserving or releasing its address, then started again: it ends with exactly one reservation per live
 * load balancer and none for deleted ones, and never touches another cluster's reservation.
 */
class MetalKillNineIT {
    private static final String TOKEN = "kill-nine-token";
    private static final String CLUSTER = "kill-nine";
    private final ObjectMapper json = new ObjectMapper();
    private Vertx vertx;
    private FakeMetalApi metal;
    private TestNamespace namespace;
    private Path dataDir;
    private Path log;

    @BeforeEach
    void setUp() throws Exception {
        RootOnly.assumeRoot();
        vertx = Vertx.vertx();
        metal = new FakeMetalApi(vertx, TOKEN, UUID.randomUUID().toString()).start();
        metal.metadataFor(metal.state().addDevice("vippy-node", List.of()));
        metal.state().seedReservation(List.of("vippy", "vippy:cluster=another", "vippy:lb=" + UUID.randomUUID()));
        namespace = TestNamespace.create("vkil");
        dataDir = Files.createTempDirectory("vippy-kill");
        log = Files.createTempFile("vippy-kill", ".log");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (namespace != null) {
            namespace.close();
        }
        VippyTestEnvironment.deleteRecursively(dataDir);
        if (metal != null) {
            metal.close();
        }
        if (vertx != null) {
            vertx.close();
        }
    }

    private VippyProcess start() {
        return VippyProcess.start(Map.of(
                "vippy.data-dir", dataDir.toString(),
                "vippy.netns", namespace.name(),
                "vippy.provider", "equinix-metal",
                "packet.auth.token", TOKEN,
                "project.id", metal.state().project(),
                "metro", "da",
                "vippy.metal.api-url", metal.apiUrl().toString(),
                "vippy.metal.metadata-url", metal.metadataUrl().toString(),
                "vippy.metal.cluster-id", CLUSTER), log);
    }

    private List<JsonObject> ours() {
        return metal.state().publicReservationsNow().stream()
                .filter(r -> r.getJsonArray("tags").contains("vippy:cluster=" + CLUSTER))
                .toList();
    }

    private boolean anotherClusterKeptItsReservation() {
        return metal.state().publicReservationsNow().stream()
                .anyMatch(r -> r.getJsonArray("tags").contains("vippy:cluster=another"));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private void awaitActive(VippyProcess vippy, String uuid) throws InterruptedException {
        await("load balancer " + uuid + " to be ACTIVE", () -> {
            try {
                return "ACTIVE".equals(get(vippy, uuid).get("status").asText());
            } catch (Exception e) {
                return false;
            }
        });
    }

    private JsonNode get(VippyProcess vippy, String uuid) throws Exception {
        HttpResponse<String> response = vippy.send("GET", "/loadbalancer/" + uuid, null);
        return response.statusCode() == 404 ? null : json.readTree(response.body());
    }

    @Test
    void killedWhileTheReservationIsBeingMadeEndsWithExactlyOne() throws Exception {
        String uuid;
        try (VippyProcess vippy = start()) {
            metal.faults().delay(Duration.ofSeconds(10));
            metal.faults().next("POST", Kind.SLOW, 1);
            HttpResponse<String> created = vippy.send("POST", "/loadbalancer", "{\"name\":\"web\",\"port\":443}");
            assertEquals(201, created.statusCode(), created.body());
            uuid = json.readTree(created.body()).get("uuid").asText();
            // The reservation exists at Metal, but its answer has not reached Vippy.
            await("the reservation to be made", () -> ours().size() == 1);
            assertEquals("", get(vippy, uuid).get("eip").asText(), "Vippy has not heard back yet");
            vippy.kill();
        }
        metal.faults().off();
        try (VippyProcess vippy = start()) {
            awaitActive(vippy, uuid);
            List<JsonObject> reservations = ours();
            assertEquals(1, reservations.size(), "exactly one reservation: " + reservations);
            assertTrue(reservations.get(0).getJsonArray("tags").contains("vippy:lb=" + uuid));
            assertEquals(reservations.get(0).getString("address"), get(vippy, uuid).get("eip").asText(),
                    "the load balancer adopted the reservation made before the crash");
        }
        assertTrue(anotherClusterKeptItsReservation());
    }

    @Test
    void killedWhileTheReservationIsBeingReleasedEndsWithNone() throws Exception {
        String uuid;
        try (VippyProcess vippy = start()) {
            HttpResponse<String> created = vippy.send("POST", "/loadbalancer", "{\"name\":\"web\",\"port\":443}");
            uuid = json.readTree(created.body()).get("uuid").asText();
            awaitActive(vippy, uuid);
            metal.faults().delay(Duration.ofSeconds(10));
            metal.faults().next("DELETE", Kind.SLOW, 1);
            assertEquals(202, vippy.send("DELETE", "/loadbalancer/" + uuid, null).statusCode());
            // The reservation is gone at Metal, but Vippy has not heard back, so its record says DELETING.
            await("the reservation to be released", () -> ours().isEmpty());
            vippy.kill();
        }
        metal.faults().off();
        try (VippyProcess vippy = start()) {
            String id = uuid;
            await("the load balancer to be gone", () -> {
                try {
                    return get(vippy, id) == null;
                } catch (Exception e) {
                    return false;
                }
            });
            assertEquals(List.of(), ours());
        }
        assertTrue(anotherClusterKeptItsReservation());
    }
}
