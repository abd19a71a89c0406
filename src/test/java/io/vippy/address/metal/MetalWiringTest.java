package io.vippy.address.metal;

import static io.vippy.address.metal.MetalFixture.AWAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vippy.core.AddressProvider;
import io.vippy.core.BgpNeighbor;
import io.vippy.core.BgpNeighborDiscovery;
import io.vippy.core.model.IpFamily;
import io.vippy.testing.VippyTestEnvironment;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The CDI path: configuration (seed names) to the selected provider and the discovery bean. */
@QuarkusTest
@TestProfile(MetalWiringTest.Wired.class)
class MetalWiringTest {

    public static class Wired implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(FakeMetalResource.class),
                    new TestResourceEntry(VippyTestEnvironment.class));
        }
    }

    @Inject
    AddressProvider addresses;

    @Inject
    BgpNeighborDiscovery discovery;

    @Test
    void theConfiguredMetalProviderReservesAndReleasesThroughTheApi() {
        UUID lb = UUID.randomUUID();
        assertEquals("equinix-metal", addresses.name());

        InetAddress address = addresses.allocate(lb, IpFamily.IPV4).await().atMost(AWAIT);

        assertEquals(List.of("vippy", "vippy:cluster=wired", "vippy:lb=" + lb), FakeMetalResource.fake.state()
                .publicReservationsNow().get(0).getJsonArray("tags").getList());
        addresses.release(lb, address).await().atMost(AWAIT);
        assertTrue(FakeMetalResource.fake.state().publicReservationsNow().isEmpty());
    }

    @Test
    void discoveryFindsThisDevicesPeers() {
        List<BgpNeighbor> neighbors = discovery.discover().await().atMost(AWAIT);

        assertEquals(2, neighbors.size());
        assertEquals(65530, neighbors.get(0).peerAsn());
    }
}
