package io.vippy.address.metal;

import static io.vippy.address.metal.MetalFixture.AWAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vippy.address.metal.fake.FakeMetalNeighbors;
import io.vippy.core.BgpNeighbor;
import io.vippy.core.model.Addresses;
import io.vippy.core.model.PermanentFailure;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(MetalTestProfile.class)
class MetalBgpDiscoveryTest {
    private static final String SESSIONS = "POST /metal/v1/devices/";
    private MetalFixture metal;

    @BeforeEach
    void startFake() throws Exception {
        metal = new MetalFixture();
    }

    @AfterEach
    void stopFake() throws Exception {
        metal.close();
    }

    private MetalBgpDiscovery discoveryFor(String hostname) {
        return new MetalBgpDiscovery(() -> Optional.of(
                new MetalBgpDiscovery.Target(metal.client(), metal.fake.state().project(), hostname)));
    }

    @Test
    void theMetadataDeviceGetsItsSessionEnabledAndOneNeighbourPerPeer() {
        String device = metal.fake.state().addDevice("am6-c3.small.x86-01",
                List.of(FakeMetalNeighbors.localIpv4(), FakeMetalNeighbors.localIpv6()));
        metal.fake.metadataFor(device);

        List<BgpNeighbor> neighbors = discoveryFor("not-this-name").discover().await().atMost(AWAIT);

        assertEquals(Set.of("ipv4"), metal.fake.state().sessions(device));
        assertEquals(2, neighbors.size());
        assertEquals(List.of("169.254.255.1", "169.254.255.2"),
                neighbors.stream().map(n -> Addresses.format(n.peerAddress())).toList());
        BgpNeighbor first = neighbors.get(0);
        assertEquals(179, first.peerPort());
        assertEquals(65530, first.peerAsn());
        assertEquals(65000, first.localAsn());
        assertEquals("10.99.182.129", Addresses.format(first.routerId().orElseThrow()));
        assertEquals("10.99.182.129", Addresses.format(first.sourceAddress().orElseThrow()));
        assertEquals(Optional.of("s3cretPassw0rd"), first.md5Password());
        assertEquals(5, first.multihopTtl());
        assertEquals(90, first.holdTimeSeconds());
    }

    @Test
    void anExistingSessionIsSuccessAndItsNeighboursAllCome() {
        String device = metal.fake.state().addDevice("web-1",
                List.of(FakeMetalNeighbors.localIpv4(), FakeMetalNeighbors.localIpv6()));
        metal.fake.metadataFor(device);
        discoveryFor("web-1").discover().await().atMost(AWAIT);
        metal.client().enableBgpSession(device, "ipv6").await().atMost(AWAIT);

        List<BgpNeighbor> neighbors = discoveryFor("web-1").discover().await().atMost(AWAIT);

        assertEquals(3, metal.requests(SESSIONS));
        assertEquals(Set.of("ipv4", "ipv6"), metal.fake.state().sessions(device));
        assertEquals(3, neighbors.size());
        BgpNeighbor v6 = neighbors.get(2);
        assertEquals("fc00::e", Addresses.format(v6.peerAddress()));
        assertEquals("10.99.182.129", Addresses.format(v6.routerId().orElseThrow()));
        assertEquals("2604:1380:4111:2700::1", Addresses.format(v6.sourceAddress().orElseThrow()));
        assertEquals(Optional.empty(), v6.md5Password());
        assertEquals(0, v6.multihopTtl());
    }

    @Test
    void withoutMetadataTheDeviceIsFoundByItsExactHostname() {
        metal.fake.state().addDevice("web-10", List.of(FakeMetalNeighbors.localIpv6()));
        String device = metal.fake.state().addDevice("web-1", List.of(FakeMetalNeighbors.localIpv4()));

        List<BgpNeighbor> neighbors = discoveryFor("web-1").discover().await().atMost(AWAIT);

        assertEquals(Set.of("ipv4"), metal.fake.state().sessions(device));
        assertEquals(2, neighbors.size());
        assertTrue(metal.requests("GET /metal/v1/projects/") >= 1);
    }

    @Test
    void anUnknownHostnameSaysWhatToSet() {
        metal.fake.state().addDevice("web-1", List.of(FakeMetalNeighbors.localIpv4()));

        PermanentFailure e = assertThrows(PermanentFailure.class,
                () -> discoveryFor("db-7").discover().await().atMost(AWAIT));

        assertTrue(e.getMessage().contains("has no device named db-7; set vippy.metal.hostname"), e.getMessage());
    }

    @Test
    void withoutAMetalTokenNothingIsDiscovered() {
        assertEquals(List.of(), new MetalBgpDiscovery(Optional::empty).discover().await().atMost(AWAIT));
        assertEquals(List.of(), metal.fake.requests());
    }
}
