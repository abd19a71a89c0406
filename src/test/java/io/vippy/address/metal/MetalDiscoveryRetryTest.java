package io.vippy.address.metal;

import static io.restassured.RestAssured.given;
import static io.vippy.testing.FaultChecks.api;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.vippy.address.metal.fake.FakeMetalNeighbors;
import io.vippy.testing.VippyTestEnvironment;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Fault: BGP neighbour discovery failing at start-up (the device is not in the Metal project yet, and the metadata
 * service does not answer). Readiness is DOWN and says why no route is announced; the discovery is retried with
 * backoff, and once the device is there the sessions to its routers start, with no restart.
 */
@QuarkusTest
@TestProfile(MetalDiscoveryRetryTest.DeviceNamedLater.class)
class MetalDiscoveryRetryTest {

    public static class DeviceNamedLater implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("vippy.metal.hostname", FakeMetalResource.HOSTNAME);
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(FakeMetalResource.class, Map.of(FakeMetalResource.DEVICE_LATER, "true")),
                    new TestResourceEntry(VippyTestEnvironment.class));
        }
    }

    @Test
    void aFailingDiscoveryShowsInReadinessAndIsRetriedUntilTheDeviceIsThere() {
        JsonPath down = Awaitility.await("readiness names the failing discovery").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> given().get("/q/health/ready").then().extract().jsonPath(),
                        ready -> String.valueOf(ready.getString("checks.find { it.name == 'bgp' }.data.discovery"))
                                .contains("no device named " + FakeMetalResource.HOSTNAME));
        assertEquals("DOWN", down.getString("checks.find { it.name == 'bgp' }.status"), down.prettify());

        FakeMetalResource.addDevice();
        List<String> routers = FakeMetalNeighbors.localIpv4().getJsonArray("peer_ips").stream().map(String::valueOf).toList();
        Awaitility.await("sessions to the device's routers").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> api().get("/bgp/peers").then().statusCode(200).extract().jsonPath().getList("peer"),
                        peers -> peers.containsAll(routers));
        JsonPath ready = given().get("/q/health/ready").then().extract().jsonPath();
        assertNull(ready.get("checks.find { it.name == 'bgp' }.data.discovery"), ready.prettify());
        assertTrue(ready.getString("checks.find { it.name == 'bgp' }.data").contains("peer " + routers.get(0)),
                "the routers do not answer here, and readiness names them: " + ready.prettify());
    }
}
