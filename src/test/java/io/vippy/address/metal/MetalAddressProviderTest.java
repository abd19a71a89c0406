package io.vippy.address.metal;

import static io.vippy.address.metal.MetalFixture.AWAIT;
import static io.vippy.address.metal.MetalLoadBalancers.stored;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vippy.address.metal.api.MetalAuthenticationException;
import io.vippy.address.metal.api.MetalRetryPolicy;
import io.vippy.address.metal.fake.FakeMetalFaults;
import io.vippy.core.model.Addresses;
import io.vippy.core.model.IpFamily;
import io.vippy.core.model.LoadBalancer;
import io.vippy.core.model.PermanentFailure;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(MetalTestProfile.class)
class MetalAddressProviderTest {
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
    void allocateReservesOneTaggedPublicIpv4AndReleaseDeletesIt() {
        MetalAddressProvider provider = metal.provider(metal.client(), "c1");
        UUID lb = UUID.randomUUID();

        InetAddress address = provider.allocate(lb, IpFamily.IPV4).await().atMost(AWAIT);

        List<JsonObject> held = metal.fake.state().publicReservationsNow();
        assertEquals(1, held.size());
        assertEquals(Addresses.format(address), held.get(0).getString("address"));
        assertTrue(held.get(0).getString("address").startsWith("198.51.100."));
        assertEquals(List.of("vippy", "vippy:cluster=c1", "vippy:lb=" + lb), held.get(0).getJsonArray("tags").getList());
        assertEquals("public_ipv4", held.get(0).getString("type"));
        assertEquals(32, held.get(0).getInteger("cidr"));

        provider.release(lb, address).await().atMost(AWAIT);
        assertEquals(List.of(), metal.fake.state().publicReservationsNow());
        provider.release(lb, address).await().atMost(AWAIT);
    }

    @Test
    void allocatingAgainReturnsTheSameReservation() {
        MetalAddressProvider provider = metal.provider(metal.client(), "c1");
        UUID lb = UUID.randomUUID();

        InetAddress first = provider.allocate(lb, IpFamily.IPV4).await().atMost(AWAIT);
        InetAddress second = provider.allocate(lb, IpFamily.IPV4).await().atMost(AWAIT);

        assertEquals(first, second);
        assertEquals(1, metal.reservationsOf(lb).size());
        assertEquals(1, metal.requests("POST /metal/v1/projects/"));
    }

    @Test
    void anotherClustersReservationIsNeverTouched() {
        UUID lb = UUID.randomUUID();
        String theirs = metal.fake.state().seedReservation(List.of("vippy", "vippy:cluster=c2", "vippy:lb=" + lb));
        String untagged = metal.fake.state().seedReservation(List.of("someone-else"));
        MetalAddressProvider provider = metal.provider(metal.client(), "c1");

        InetAddress ours = provider.allocate(lb, IpFamily.IPV4).await().atMost(AWAIT);
        assertEquals(2, metal.reservationsOf(lb).size());
        provider.release(lb, ours).await().atMost(AWAIT);
        provider.restore(List.of()).await().atMost(AWAIT);
        provider.stopOrphanScan();

        assertEquals(Set.of(theirs, untagged), ids(metal.fake.state().publicReservationsNow()));
        assertTrue(metal.fake.state().reservations(List.of()).stream().anyMatch(r -> r.getBoolean("management")));
    }

    @Test
    void listsFollowPaginationToTheLastPage() {
        for (int i = 0; i < 10; i++) {
            metal.fake.state().seedReservation(List.of("filler-" + i));
        }
        MetalAddressProvider provider = metal.provider(
                metal.client(MetalFixture.TOKEN, Duration.ofSeconds(2), MetalFixture.FAST_RETRIES, 3), "c1");
        UUID lb = UUID.randomUUID();
        UUID gone = UUID.randomUUID();
        InetAddress address = provider.allocate(lb, IpFamily.IPV4).await().atMost(AWAIT);
        provider.allocate(gone, IpFamily.IPV4).await().atMost(AWAIT);

        assertEquals(address, provider.allocate(lb, IpFamily.IPV4).await().atMost(AWAIT));
        assertEquals(2, metal.requests("POST /metal/v1/projects/"));
        provider.restore(List.of(stored(lb, address))).await().atMost(AWAIT);
        provider.stopOrphanScan();
        assertEquals(0, metal.reservationsOf(gone).size());
        assertEquals(1, metal.reservationsOf(lb).size());
        assertEquals(11, metal.fake.state().publicReservationsNow().size());
    }

    @Test
    void aRefusedTokenStopsWithOneLineAndNoRetry() {
        MetalAddressProvider provider = metal.provider(
                metal.client("wrong", Duration.ofSeconds(2), MetalFixture.FAST_RETRIES, 250), "c1");

        MetalAuthenticationException e = assertThrows(MetalAuthenticationException.class,
                () -> provider.allocate(UUID.randomUUID(), IpFamily.IPV4).await().atMost(AWAIT));
        assertTrue(e.getMessage().contains("HTTP 401: Invalid authentication token"), e.getMessage());
        assertTrue(e.getMessage().contains("PACKET_AUTH_TOKEN"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertEquals(1, metal.fake.requests().size());
    }

    @Test
    void overQuotaIsAPermanentFailureCarryingTheApiMessage() {
        metal.fake.state().quota(0);
        MetalAddressProvider provider = metal.provider(metal.client(), "c1");

        PermanentFailure e = assertThrows(PermanentFailure.class,
                () -> provider.allocate(UUID.randomUUID(), IpFamily.IPV4).await().atMost(AWAIT));
        assertTrue(e.getMessage().contains("HTTP 422: You have reached the maximum number of public_ipv4 addresses"),
                e.getMessage());
        assertEquals(List.of(), metal.fake.state().publicReservationsNow());
        assertEquals(1, metal.requests("POST /metal/v1/projects/"));
    }

    @Test
    void ipv6IsAPermanentFailure() {
        MetalAddressProvider provider = metal.provider(metal.client(), "c1");

        PermanentFailure e = assertThrows(PermanentFailure.class,
                () -> provider.allocate(UUID.randomUUID(), IpFamily.IPV6).await().atMost(AWAIT));
        assertTrue(e.getMessage().contains("IPv4 only"), e.getMessage());
        assertEquals(List.of(), metal.fake.requests());
    }

    @Test
    void aFreshProviderAdoptsWhatACrashedOneReservedWithoutSeeingTheAnswer() {
        UUID lb = UUID.randomUUID();
        MetalRetryPolicy noRetry = new MetalRetryPolicy(1, Duration.ofMillis(10), Duration.ofMillis(10),
                Duration.ofSeconds(1));
        MetalAddressProvider crashed = metal.provider(
                metal.client(MetalFixture.TOKEN, Duration.ofSeconds(2), noRetry, 250), "c1");
        metal.fake.faults().next("POST", FakeMetalFaults.Kind.DROP_AFTER_COMMIT, 1);

        assertThrows(RuntimeException.class, () -> crashed.allocate(lb, IpFamily.IPV4).await().atMost(AWAIT));
        assertEquals(1, metal.reservationsOf(lb).size());

        MetalAddressProvider restarted = metal.provider(metal.client(), "c1");
        restarted.restore(List.of(stored(lb, null))).await().atMost(AWAIT);
        restarted.stopOrphanScan();
        InetAddress address = restarted.allocate(lb, IpFamily.IPV4).await().atMost(AWAIT);

        assertEquals(1, metal.reservationsOf(lb).size());
        assertEquals(Addresses.format(address), metal.reservationsOf(lb).get(0).getString("address"));
        assertEquals(1, metal.requests("POST /metal/v1/projects/"));
    }

    @Test
    void orphansAreReleasedAndOnlyReportedUnderTheReportPolicy() {
        MetalAddressProvider provider = metal.provider(metal.client(), "c1");
        UUID kept = UUID.randomUUID();
        UUID gone = UUID.randomUUID();
        InetAddress keptAddress = provider.allocate(kept, IpFamily.IPV4).await().atMost(AWAIT);
        provider.allocate(gone, IpFamily.IPV4).await().atMost(AWAIT);

        MetalAddressProvider reporting = metal.provider(metal.client(), "c1", OrphanPolicy.REPORT,
                () -> Uni.createFrom().item(List.of()), Duration.ofHours(1));
        reporting.restore(List.of(stored(kept, keptAddress))).await().atMost(AWAIT);
        reporting.stopOrphanScan();
        assertEquals(1, metal.reservationsOf(gone).size());

        provider.restore(List.of(stored(kept, keptAddress))).await().atMost(AWAIT);
        provider.stopOrphanScan();
        assertEquals(0, metal.reservationsOf(gone).size());
        assertEquals(1, metal.reservationsOf(kept).size());
    }

    @Test
    void thePeriodicScanReleasesWhatTheStoreNoLongerHolds() {
        UUID kept = UUID.randomUUID();
        UUID deleted = UUID.randomUUID();
        Set<UUID> inStore = ConcurrentHashMap.newKeySet();
        inStore.addAll(List.of(kept, deleted));
        MetalAddressProvider provider = metal.provider(metal.client(), "c1", OrphanPolicy.RELEASE,
                () -> Uni.createFrom().item(inStore.stream().map(u -> stored(u, null)).toList()),
                Duration.ofMillis(200));
        provider.allocate(kept, IpFamily.IPV4).await().atMost(AWAIT);
        provider.allocate(deleted, IpFamily.IPV4).await().atMost(AWAIT);
        provider.restore(List.<LoadBalancer>of()).await().atMost(AWAIT);
        assertEquals(2, metal.fake.state().publicReservationsNow().size());

        inStore.remove(deleted);
        try {
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> metal.reservationsOf(deleted).isEmpty());
        } finally {
            provider.stopOrphanScan();
        }
        assertEquals(1, metal.reservationsOf(kept).size());
    }

    @Test
    void restoreKeepsTheStoredAddressWhenALoadBalancerHasTwo() {
        UUID lb = UUID.randomUUID();
        List<String> tags = List.of("vippy", "vippy:cluster=c1", "vippy:lb=" + lb);
        metal.fake.state().seedReservation(tags);
        String newer = metal.fake.state().seedReservation(tags);
        String newerAddress = metal.fake.state().reservation(newer).getString("address");
        MetalAddressProvider provider = metal.provider(metal.client(), "c1");

        provider.restore(List.of(stored(lb, Addresses.parseLiteral(newerAddress, "a")))).await().atMost(AWAIT);
        provider.stopOrphanScan();

        assertEquals(Set.of(newer), ids(metal.reservationsOf(lb)));
    }

    private static Set<String> ids(List<JsonObject> reservations) {
        return reservations.stream().map(r -> r.getString("id")).collect(java.util.stream.Collectors.toSet());
    }
}
