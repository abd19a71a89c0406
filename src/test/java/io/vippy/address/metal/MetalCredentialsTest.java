package io.vippy.address.metal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.vippy.core.model.InvalidConfigException;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The seed's environment variables, read through SmallRye's environment-variable mapping. */
class MetalCredentialsTest {

    private static SmallRyeConfig environment(Map<String, String> variables) {
        return new SmallRyeConfigBuilder().withSources(new EnvConfigSource(variables, 300)).build();
    }

    @Test
    void theSeedsVariablesWork() {
        MetalCredentials credentials = MetalCredentials.from(environment(
                Map.of("PACKET_AUTH_TOKEN", "t0k", "PROJECT_ID", "p-1", "FACILITY_ID", "am6")));

        assertEquals("t0k", credentials.token());
        assertEquals("p-1", credentials.project());
        assertEquals(Optional.of("am6"), credentials.facility());
        assertEquals(Optional.empty(), credentials.metro());
        credentials.requireLocation();
        assertFalse(credentials.toString().contains("t0k"), "the token must not reach logs");
    }

    @Test
    void metalAuthTokenAndMetroWorkToo() {
        MetalCredentials credentials = MetalCredentials.from(environment(
                Map.of("METAL_AUTH_TOKEN", "m", "PROJECT_ID", "p", "METRO", "da")));

        assertEquals("m", credentials.token());
        assertEquals(Optional.of("da"), credentials.metro());
        assertTrue(MetalCredentials.tokenConfigured(environment(Map.of("METAL_AUTH_TOKEN", "m"))));
        assertFalse(MetalCredentials.tokenConfigured(environment(Map.of("PROJECT_ID", "p"))));
    }

    @Test
    void eachMissingValueNamesItsVariable() {
        assertEquals("PACKET_AUTH_TOKEN", assertThrows(InvalidConfigException.class,
                () -> MetalCredentials.from(environment(Map.of("PROJECT_ID", "p")))).property());
        assertEquals("PROJECT_ID", assertThrows(InvalidConfigException.class,
                () -> MetalCredentials.from(environment(Map.of("PACKET_AUTH_TOKEN", "t")))).property());
        MetalCredentials noLocation = MetalCredentials.from(environment(Map.of("PACKET_AUTH_TOKEN", "t",
                "PROJECT_ID", "p")));
        InvalidConfigException e = assertThrows(InvalidConfigException.class, noLocation::requireLocation);
        assertEquals("METRO: is not set (nor FACILITY_ID); Equinix Metal needs to know where to reserve addresses",
                e.getMessage());
    }
}
