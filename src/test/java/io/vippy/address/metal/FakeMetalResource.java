package io.vippy.address.metal;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vippy.address.metal.fake.FakeMetalApi;
import io.vippy.address.metal.fake.FakeMetalNeighbors;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Starts a fake Metal API before Quarkus and configures Vippy for it, under the seed's property names. With the
 * argument {@link #DEVICE_LATER}, this device is not there yet: the test adds it ({@link #addDevice}).
 */
public class FakeMetalResource implements QuarkusTestResourceLifecycleManager {
    static final String HOSTNAME = "am6-c3.small.x86-01";
    static final String DEVICE_LATER = "device-later";
    static volatile FakeMetalApi fake;
    private Vertx vertx;
    private boolean deviceLater;

    @Override
    public void init(Map<String, String> initArgs) {
        deviceLater = Boolean.parseBoolean(initArgs.get(DEVICE_LATER));
    }

    /** This device, with the rig's BGP neighbours, as the metadata service describes it. */
    static void addDevice() {
        fake.metadataFor(fake.state().addDevice(HOSTNAME, List.of(FakeMetalNeighbors.localIpv4())));
    }

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        try {
            fake = new FakeMetalApi(vertx, "wired-token", UUID.randomUUID().toString()).start();
        } catch (Exception e) {
            throw new IllegalStateException("The fake Metal API did not start", e);
        }
        if (!deviceLater) {
            addDevice();
        }
        return Map.of("vippy.provider", "equinix-metal",
                "packet.auth.token", "wired-token",
                "project.id", fake.state().project(),
                "metro", "da",
                "vippy.metal.api-url", fake.apiUrl().toString(),
                "vippy.metal.metadata-url", fake.metadataUrl().toString(),
                "vippy.metal.cluster-id", "wired",
                "quarkus.http.test-port", "0");
    }

    @Override
    public void stop() {
        try {
            fake.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        vertx.close();
    }
}
