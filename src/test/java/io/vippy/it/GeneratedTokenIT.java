package io.vippy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vippy.testing.RootOnly;
import io.vippy.testing.TestNamespace;
import io.vippy.testing.VippyProcess;
import io.vippy.testing.VippyTestEnvironment;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The README's walkthrough starts Vippy with no token configured and at once reads the generated one
 * ({@code export TOKEN=$(sudo cat /var/lib/vippy/api-token)}): the file must be there as soon as Vippy answers.
 */
class GeneratedTokenIT {

    @Test
    void theTokenFileExistsAsSoonAsHealthAnswers() throws Exception {
        RootOnly.assumeRoot();
        Path dataDir = Files.createTempDirectory("vippy-token");
        Path log = Files.createTempFile("vippy-token", ".log");
        try (TestNamespace namespace = TestNamespace.create("vtok");
                // An empty value is SmallRye's "not set": the token is generated.
                VippyProcess vippy = VippyProcess.start(Map.of("vippy.data-dir", dataDir.toString(),
                        "vippy.netns", namespace.name(), "vippy.api.token", ""), log)) {
            Path file = dataDir.resolve("api-token");
            assertTrue(Files.exists(file), "no token file right after /q/health answered:\n" + vippy.log());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            String token = Files.readString(file).strip();
            HttpResponse<String> list = HttpClient.newHttpClient().send(HttpRequest.newBuilder(vippy.uri("/loadbalancers"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, list.statusCode(), "the generated token is the one the API accepts: " + list.body());
        } finally {
            VippyTestEnvironment.deleteRecursively(dataDir);
            Files.deleteIfExists(log);
        }
    }
}
