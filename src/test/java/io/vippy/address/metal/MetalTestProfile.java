package io.vippy.address.metal;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.vippy.testing.VippyTestEnvironment;
import java.util.List;
import java.util.Map;

/**
 * The Quarkus REST client only works inside a running Quarkus application, so the Metal tests run under
 * {@code @QuarkusTest}; a random HTTP port keeps them from clashing with other test runs on the host, and
 * the application's network side runs in a namespace of its own, never on the host.
 */
public class MetalTestProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.http.test-port", "0");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(VippyTestEnvironment.class));
    }
}
