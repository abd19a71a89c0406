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
 * touch the host) and its own empty data directory; both are removed when the tests end. With the argument
 * {@link #DATA_DIR_KIB}, the data directory is a tmpfs of that many KiB, for tests that fill it.
 */
public class VippyTestEnvironment implements QuarkusTestResourceLifecycleManager {
    /** The API token of the test profile ({@code %test.vippy.api.token}). */
    public static final String TOKEN = "test-token-0123456789abcdef";
    /** Argument: the data directory is a tmpfs of this many KiB ({@link #dataDirMount}). */
    public static final String DATA_DIR_KIB = "data-dir-kib";
    /** The namespace of the running test application, for tests that look at the kernel state it made. */
    private static volatile TestNamespace namespace;
    private static volatile TmpfsMount dataDirMount;
    /** This instance's own: Quarkus may start a second instance before it stops the first. */
    private TestNamespace ownNamespace;
    private Path dataDir;
    private Integer dataDirKib;
    private TmpfsMount ownDataDirMount;

    public static TestNamespace namespace() {
        return namespace;
    }

    /** The tmpfs under the running test application's data directory, when {@link #DATA_DIR_KIB} asked for one. */
    public static TmpfsMount dataDirMount() {
        return dataDirMount;
    }

    @Override
    public void init(Map<String, String> initArgs) {
        dataDirKib = initArgs.containsKey(DATA_DIR_KIB) ? Integer.valueOf(initArgs.get(DATA_DIR_KIB)) : null;
    }

    @Override
    public Map<String, String> start() {
        if (!RootOnly.isRoot()) {
            throw new IllegalStateException("the Vippy API tests need root: they run Vippy in a network namespace");
        }
        ownNamespace = TestNamespace.create("vapi");
        namespace = ownNamespace;
        if (dataDirKib != null) {
            try {
                ownDataDirMount = TmpfsMount.mount("vippy-test-data", dataDirKib);
            } catch (RuntimeException | AssertionError e) {
                ownNamespace.close();
                throw e;
            }
            dataDirMount = ownDataDirMount;
            dataDir = ownDataDirMount.dir();
        } else {
            try {
                dataDir = Files.createTempDirectory("vippy-test-data");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return Map.of("vippy.netns", ownNamespace.name(), "vippy.data-dir", dataDir.toString());
    }

    @Override
    public void stop() {
        if (ownNamespace != null) {
            ownNamespace.close();
        }
        if (ownDataDirMount != null) {
            ownDataDirMount.close();
        } else {
            deleteRecursively(dataDir);
        }
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
