package io.vippy.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Gives a {@code @QuarkusTest} Vippy its own network namespace (so addresses, nftables and BGP sockets never
 * touch the host) and its own empty data directory; both are removed when the tests end.
 */
public class VippyTestEnvironment implements QuarkusTestResourceLifecycleManager {
    /** The API token of the test profile ({@code %test.vippy.api.token}). */
    public static final String TOKEN = "test-token-0123456789abcdef";
    /** The namespace of the running test application, for tests that look at the kernel state it made. */
    private static volatile TestNamespace namespace;
    /** This instance's own: Quarkus may start a second instance before it stops the first. */
    private TestNamespace ownNamespace;
    private Path dataDir;

    public static TestNamespace namespace() {
        return namespace;
    }

    @Override
    public Map<String, String> start() {
        if (!RootOnly.isRoot()) {
            throw new IllegalStateException("the Vippy API tests need root: they run Vippy in a network namespace");
        }
        ownNamespace = TestNamespace.create("vapi");
        namespace = ownNamespace;
        try {
            dataDir = Files.createTempDirectory("vippy-test-data");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("vippy.netns", ownNamespace.name(), "vippy.data-dir", dataDir.toString());
    }

    @Override
    public void stop() {
        if (ownNamespace != null) {
            ownNamespace.close();
        }
        deleteRecursively(dataDir);
    }

    public static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
