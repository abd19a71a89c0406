package io.vippy.bgp;

import io.vippy.testing.Shell;
import io.vippy.testing.TestNamespace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The rig of the reference: a top-of-rack namespace {@code tor} (192.168.100.1, fd00:100::1) linked by veth to
 * a load-balancer node {@code lbnode} (192.168.100.2, fd00:100::2), plus a temporary directory for daemon
 * configs, sockets and logs. The routed variant puts a router between them, for multihop peering. Closing
 * removes all of it, including whatever still runs in the namespaces.
 */
public final class BgpTopology implements AutoCloseable {
    public static final String TOR_IPV4 = "192.168.100.1";
    public static final String LB_IPV4 = "192.168.100.2";
    public static final String TOR_IPV6 = "fd00:100::1";
    public static final String LB_IPV6 = "fd00:100::2";
    /** Routed rig: the router's address on its link to the ToR, and the ToR's. */
    public static final String ROUTER_UPLINK_IPV4 = "192.168.101.1";
    public static final String TOR_UPLINK_IPV4 = "192.168.101.2";
    /**
     * Routed rig: the ToR's peering address, on its {@code lo} and reached from {@code lbnode} through the router
     * only, as Equinix Metal's 169.254.255.1 is.
     */
    public static final String TOR_LOOPBACK_IPV4 = "169.254.255.1";

    public final TestNamespace tor;
    public final TestNamespace lbnode;
    public final Path dir;
    /** Every namespace of the rig, {@code tor} and {@code lbnode} included. */
    private final List<TestNamespace> namespaces;

    private BgpTopology(TestNamespace tor, TestNamespace lbnode, List<TestNamespace> namespaces, Path dir) {
        this.tor = tor;
        this.lbnode = lbnode;
        this.namespaces = namespaces;
        this.dir = dir;
    }

    static BgpTopology create() {
        return create("vbgp");
    }

    /** The rig with namespaces named {@code PREFIX-tor-xxxx} and {@code PREFIX-lb-xxxx}. */
    public static BgpTopology create(String namePrefix) {
        return create(namePrefix, false);
    }

    /**
     * {@code lbnode} - {@code router} - {@code tor}, so that packets between them lose one TTL on the way: the
     * router ({@code PREFIX-rt-xxxx}) takes 192.168.100.1 on {@code lbnode}'s link and 192.168.101.1 on the ToR's
     * (the ToR has 192.168.101.2 there, on {@code veth-tor}); the ToR also has {@link #TOR_LOOPBACK_IPV4} on
     * {@code lo}. Static routes join the ToR's loopback and {@code lbnode}'s link. IPv4 only.
     */
    public static BgpTopology createRouted(String namePrefix) {
        return create(namePrefix, true);
    }

    private static BgpTopology create(String namePrefix, boolean routed) {
        List<TestNamespace> namespaces = new ArrayList<>();
        try {
            TestNamespace tor = add(namespaces, TestNamespace.create(namePrefix + "-tor"));
            TestNamespace lbnode = add(namespaces, TestNamespace.create(namePrefix + "-lb"));
            if (routed) {
                TestNamespace router = add(namespaces, TestNamespace.create(namePrefix + "-rt"));
                router.link(lbnode, "veth-down", TOR_IPV4 + "/24", "veth-lb", LB_IPV4 + "/24");
                router.link(tor, "veth-up", ROUTER_UPLINK_IPV4 + "/24", "veth-tor", TOR_UPLINK_IPV4 + "/24");
                router.exec("sysctl", "-qw", "net.ipv4.ip_forward=1").orThrow();
                router.exec("ip", "route", "add", TOR_LOOPBACK_IPV4, "via", TOR_UPLINK_IPV4).orThrow();
                tor.exec("ip", "addr", "add", TOR_LOOPBACK_IPV4 + "/32", "dev", "lo").orThrow();
                tor.exec("ip", "route", "add", "192.168.100.0/24", "via", ROUTER_UPLINK_IPV4).orThrow();
                lbnode.exec("ip", "route", "add", TOR_LOOPBACK_IPV4, "via", TOR_IPV4).orThrow();
            } else {
                tor.link(lbnode, "veth-tor", TOR_IPV4 + "/24", "veth-lb", LB_IPV4 + "/24");
                tor.exec("ip", "-6", "addr", "add", TOR_IPV6 + "/64", "dev", "veth-tor", "nodad").orThrow();
                lbnode.exec("ip", "-6", "addr", "add", LB_IPV6 + "/64", "dev", "veth-lb", "nodad").orThrow();
            }
            Path dir = Files.createTempDirectory("vbgp-");
            // FRR drops privileges to the frr user, which must reach its config and sockets.
            Shell.run("chmod", "755", dir.toString()).orThrow();
            return new BgpTopology(tor, lbnode, namespaces, dir);
        } catch (IOException e) {
            namespaces.forEach(TestNamespace::close);
            throw new UncheckedIOException(e);
        } catch (RuntimeException | AssertionError e) {
            namespaces.forEach(TestNamespace::close);
            throw e;
        }
    }

    private static TestNamespace add(List<TestNamespace> namespaces, TestNamespace namespace) {
        namespaces.add(namespace);
        return namespace;
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
        namespaces.forEach(TestNamespace::close);
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary directory is harmless
        }
    }
}
