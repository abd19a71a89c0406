package io.vippy.address.metal;

import static io.vippy.address.metal.MetalFixture.AWAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vippy.address.metal.api.MetalClient;
import io.vippy.address.metal.api.MetalRetryPolicy;
import io.vippy.address.metal.api.MetalUnavailableException;
import io.vippy.address.metal.fake.FakeMetalFaults.Kind;
import io.vippy.core.model.IpFamily;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(MetalTestProfile.class)
class MetalClientFaultTest {
    private static final String LIST = "GET /metal/v1/projects/";
    private MetalFixture metal;

    @BeforeEach
    void startFake() throws Exception {
        metal = new MetalFixture();
    }

    @AfterEach
    void stopFake() throws Exception {
        metal.close();
    }

    @Test
    void aRateLimitIsWaitedOutUntilItsReset() {
        long reset = System.currentTimeMillis() / 1000 + 2;
        metal.fake.faults().rateLimitUntil(reset);

        metal.client().listReservations(metal.fake.state().project()).await().atMost(AWAIT);

        assertTrue(System.currentTimeMillis() >= reset * 1000, "answered before X-RateLimit-Reset");
        assertTrue(metal.fake.faults().injected(Kind.RATE_LIMIT) <= 2,
                "hammered the API: " + metal.fake.faults().injected(Kind.RATE_LIMIT) + " requests got 429");
        assertEquals(metal.fake.faults().injected(Kind.RATE_LIMIT) + 1, metal.requests(LIST));
    }

    @Test
    void serverErrorsAreRetriedWithBackoff() {
        metal.fake.faults().next(Kind.SERVER_ERROR, 3);
        double unavailableBefore = answers("503");
        double okBefore = answers("200");

        List<?> all = metal.client().listReservations(metal.fake.state().project()).await().atMost(AWAIT);

        assertEquals(1, all.size());
        assertEquals(4, metal.requests(LIST));
        assertEquals(3, answers("503") - unavailableBefore, "vippy_metal_api_requests_total{status=\"503\"}");
        assertEquals(1, answers("200") - okBefore, "vippy_metal_api_requests_total{status=\"200\"}");
    }

    /** GET answers with this status so far, as the metrics count them. */
    private static double answers(String status) {
        Counter counter = Metrics.globalRegistry.find("vippy.metal.api.requests").tags("method", "GET", "status", status)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void droppedConnectionsAreRetried() {
        metal.fake.faults().next(Kind.DROP_BEFORE_COMMIT, 2);

        metal.client().listReservations(metal.fake.state().project()).await().atMost(AWAIT);

        assertEquals(3, metal.requests(LIST));
    }

    @Test
    void slowAnswersTimeOutAndAreRetried() {
        metal.fake.faults().delay(Duration.ofSeconds(3));
        metal.fake.faults().next(Kind.SLOW, 1);
        MetalClient client = metal.client(MetalFixture.TOKEN, Duration.ofMillis(300), MetalFixture.FAST_RETRIES, 250);
        long start = System.nanoTime();

        client.listReservations(metal.fake.state().project()).await().atMost(AWAIT);

        assertEquals(2, metal.requests(LIST));
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 2500, "waited for the slow answer");
    }

    @Test
    void retryingIsBounded() {
        metal.fake.faults().next(Kind.SERVER_ERROR, 100);
        MetalRetryPolicy three = new MetalRetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(50),
                Duration.ofSeconds(1));
        MetalClient client = metal.client(MetalFixture.TOKEN, Duration.ofSeconds(2), three, 250);

        MetalUnavailableException e = assertThrows(MetalUnavailableException.class,
                () -> client.listReservations(metal.fake.state().project()).await().atMost(AWAIT));

        assertTrue(e.getMessage().contains("failed 3 times; last: Equinix Metal answered HTTP 503"), e.getMessage());
        assertEquals(3, metal.requests(LIST));
    }

    @Test
    void aCreateWhoseAnswerIsLostIsFoundByTheNextAllocateInsteadOfRepeated() {
        MetalAddressProvider provider = metal.provider(metal.client(), "c1");
        UUID lb = UUID.randomUUID();
        metal.fake.faults().next("POST", Kind.DROP_AFTER_COMMIT, 1);

        assertThrows(RuntimeException.class, () -> provider.allocate(lb, IpFamily.IPV4).await().atMost(AWAIT),
                "the create is not retried: its caller (the reconciler's next pass) looks first");
        InetAddress address = provider.allocate(lb, IpFamily.IPV4).await().atMost(AWAIT);

        assertEquals(1, metal.reservationsOf(lb).size());
        assertEquals(address.getHostAddress(), metal.reservationsOf(lb).get(0).getString("address"));
        assertEquals(1, metal.requests("POST /metal/v1/projects/"));
    }

    /**
     * One retry layer: each request is retried where it is made, and nothing above repeats the whole
     * find-or-create, so an allocate costs at most maxAttempts requests per page of the list plus one create,
     * whatever fails (it was maxAttempts squared per page when the provider retried the whole allocate too).
     */
    @Test
    void oneAllocateMakesAtMostMaxAttemptsRequestsPerPagePlusOneCreateWhateverFails() {
        MetalRetryPolicy three = new MetalRetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(50),
                Duration.ofSeconds(3));
        MetalClient client = metal.client(MetalFixture.TOKEN, Duration.ofMillis(1500), three, 2);
        for (int i = 0; i < 3; i++) {
            metal.fake.state().seedReservation(List.of("vippy", "vippy:cluster=other"));
        }
        int pages = 2; // the management block and three others, two per page
        long budget = 3L * pages + 1;
        MetalAddressProvider provider = metal.provider(client, "budget");

        metal.fake.faults().next(Kind.SERVER_ERROR, 100);
        assertThrows(MetalUnavailableException.class,
                () -> provider.allocate(UUID.randomUUID(), IpFamily.IPV4).await().atMost(AWAIT));
        assertEquals(3, metal.fake.requests().size(), "a failing API: three tries of the first page, no create");
        metal.fake.faults().off();

        metal.fake.faults().rateLimitUntil(System.currentTimeMillis() / 1000 + 1);
        assertWithinBudget(provider, budget, "429 until X-RateLimit-Reset");
        metal.fake.faults().next(Kind.SERVER_ERROR, 2);
        assertWithinBudget(provider, budget, "two 503s");
        metal.fake.faults().delay(Duration.ofSeconds(4));
        metal.fake.faults().next("GET", Kind.SLOW, 1);
        assertWithinBudget(provider, budget, "a timeout");
        metal.fake.faults().next("GET", Kind.DROP_BEFORE_COMMIT, 1);
        metal.fake.faults().next("GET", Kind.SERVER_ERROR, 1);
        assertWithinBudget(provider, budget, "a dropped connection and a 503");
        metal.fake.faults().next("POST", Kind.SERVER_ERROR, 1);
        assertThrows(RuntimeException.class, () -> provider.allocate(UUID.randomUUID(), IpFamily.IPV4)
                .await().atMost(AWAIT), "a failed create is not repeated: the next allocate looks first");
    }

    private void assertWithinBudget(MetalAddressProvider provider, long budget, String faults) {
        int before = metal.fake.requests().size();
        UUID lb = UUID.randomUUID();
        provider.allocate(lb, IpFamily.IPV4).await().atMost(AWAIT);
        int made = metal.fake.requests().size() - before;
        assertTrue(made <= budget, faults + ": " + made + " requests for one allocate, more than " + budget);
        assertEquals(1, metal.reservationsOf(lb).size(), faults);
    }

    @Test
    void aDeleteWhoseAnswerIsLostCountsAsDone() {
        MetalAddressProvider provider = metal.provider(metal.client(), "c1");
        UUID lb = UUID.randomUUID();
        InetAddress address = provider.allocate(lb, IpFamily.IPV4).await().atMost(AWAIT);
        metal.fake.faults().next("DELETE", Kind.DROP_AFTER_COMMIT, 1);

        provider.release(lb, address).await().atMost(AWAIT);

        assertEquals(0, metal.reservationsOf(lb).size());
        assertEquals(2, metal.requests("DELETE /metal/v1/ips/"));
    }
}
