package io.vippy.address.metal;

import static io.vippy.testing.FaultChecks.api;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vippy.address.metal.fake.FakeMetalFaults.Kind;
import io.vippy.testing.FaultChecks;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Fault: the Metal API failing (503 on every request) while a load balancer is created. The create is
 * acknowledged and kept, the failure shows in the load balancer's status and in the metrics, and the load
 * balancer comes up by itself once the API answers again, without a restart or another call.
 */
@QuarkusTest
@TestProfile(MetalWiringTest.Wired.class)
class MetalFaultRecoveryTest {

    @AfterEach
    void faultsOff() {
        FakeMetalResource.fake.faults().off();
    }

    @Test
    void aFailingMetalApiShowsInStatusAndMetricsAndTheLoadBalancerComesUpWhenItRecovers() {
        FakeMetalResource.fake.faults().next(Kind.SERVER_ERROR, 10_000);
        String uuid = FaultChecks.create("metal-down", 8080);

        FaultChecks.assertFaultShows(uuid, "503", "allocateAddress", Duration.ofSeconds(60));
        assertTrue(api().get("/q/metrics").then().statusCode(200).extract().asString().lines()
                .anyMatch(line -> line.startsWith("vippy_metal_api_requests_total{") && line.contains("status=\"503\"")),
                "the Metal API's answers are counted by status");

        FakeMetalResource.fake.faults().off();
        Map<String, Object> recovered = FaultChecks.awaitRecovered(uuid, Duration.ofSeconds(90));
        assertTrue(recovered.get("eip") != null, recovered.toString());
        assertEquals(1, FakeMetalResource.fake.state().publicReservationsNow().stream()
                .filter(r -> r.getJsonArray("tags").contains("vippy:lb=" + uuid)).count(), "one address, not one per retry");
        api().delete("/loadbalancer/" + uuid);
    }
}
