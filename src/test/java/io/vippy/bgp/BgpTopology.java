package io.vippy.bgp;

import io.vippy.testing.Shell;
import io.vippy.testing.TestNamespace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The rig of the reference: a top-of-rack namespace {@code tor} (192.168.100.1, fd00:100::1) linked by veth to
 * a load-balancer node {@code lbnode} (192.168.100.2, fd00:100::2), plus a temporary directory for daemon
 * configs, sockets and logs. Closing removes all of it, including whatever still runs in the namespaces.
 */
public final class BgpTopology implements AutoCloseable {
    public static final String TOR_IPV4 = "192.168.100.1";
    public static final String LB_IPV4 = "192.168.100.2";
    public static final String TOR_IPV6 = "fd00:100::1";
    public static final String LB_IPV6 = "fd00:100::2";

    public final TestNamespace tor;
    public final TestNamespace lbnode;
    public final Path dir;

    private BgpTopology(TestNamespace tor, TestNamespace lbnode, Path dir) {
        this.tor = tor;
        this.lbnode = lbnode;
        this.dir = dir;
    }

    static BgpTopology create() {
        return create("vbgp");
    }

    /** The rig with namespaces named {@code PREFIX-tor-xxxx} and {@code PREFIX-lb-xxxx}. */
    public static BgpTopology create(String namePrefix) {
        TestNamespace tor = TestNamespace.create(namePrefix + "-tor");
        TestNamespace lbnode = null;
        try {
            lbnode = TestNamespace.create(namePrefix + "-lb");
            tor.link(lbnode, "veth-tor", TOR_IPV4 + "/24", "veth-lb", LB_IPV4 + "/24");
            tor.exec("ip", "-6", "addr", "add", TOR_IPV6 + "/64", "dev", "veth-tor", "nodad").orThrow();
            lbnode.exec("ip", "-6", "addr", "add", LB_IPV6 + "/64", "dev", "veth-lb", "nodad").orThrow();
            Path dir = Files.createTempDirectory("vbgp-");
            // FRR drops privileges to the frr user, which must reach its config and sockets.
            Shell.run("chmod", "755", dir.toString()).orThrow();
            return new BgpTopology(tor, lbnode, dir);
        } catch (IOException e) {
            closeAll(tor, lbnode);
            throw new UncheckedIOException(e);
        } catch (RuntimeException | AssertionError e) {
            closeAll(tor, lbnode);
            throw e;
        }
    }

    private static void closeAll(TestNamespace tor, TestNamespace lbnode) {
        tor.close();
        if (lbnode != null) {
            lbnode.close();
        }
    }

    public Path write(String name, String content) {
        try {
            return Files.writeString(dir.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        lbnode.close();
        tor.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary directory is harmless
        }
    }
}
