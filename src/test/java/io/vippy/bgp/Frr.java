package io.vippy.bgp;

import io.vippy.testing.Shell;
import io.vippy.testing.TestNamespace;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;

/**
 * FRR as a peer: zebra, then bfdd when asked, then bgpd, all dropping privileges to frr, sockets in the test's
 * directory. zebra installs what bgpd learns into the namespace's kernel table, which is where the test looks.
 */
public final class Frr implements AutoCloseable {
    private final TestNamespace namespace;
    private final Path dir;
    private final PeerDaemon zebra;
    private final PeerDaemon bfdd;
    private final PeerDaemon bgpd;

    Frr(BgpTopology topology, TestNamespace namespace, String bgpdConfig) {
        this(topology, namespace, bgpdConfig, null);
    }

    /** With bfdd beside bgpd (same zebra and vty socket directory) when {@code bfddConfig} is not null. */
    public Frr(BgpTopology topology, TestNamespace namespace, String bgpdConfig, String bfddConfig) {
        this.namespace = namespace;
        this.dir = topology.dir;
        Shell.run("chown", "frr:frr", dir.toString()).orThrow();
        String zserv = dir.resolve("zserv.api").toString();
        zebra = PeerDaemon.start(namespace, dir.resolve("zebra.log"), "/usr/lib/frr/zebra", "-f",
                topology.write("zebra.conf", "hostname tor\n").toString(), "-i", dir.resolve("zebra.pid").toString(),
                "-z", zserv, "--vty_socket", dir.toString(), "-u", "frr", "-g", "frr");
        Awaitility.await("zebra ready").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> dir.resolve("zserv.api").toFile().exists());
        bfdd = bfddConfig == null ? null : PeerDaemon.start(namespace, dir.resolve("bfdd.log"), "/usr/lib/frr/bfdd",
                "-f", topology.write("bfdd.conf", bfddConfig).toString(), "-i", dir.resolve("bfdd.pid").toString(),
                "-z", zserv, "--vty_socket", dir.toString(), "--bfdctl", dir.resolve("bfdd.sock").toString(),
                "-u", "frr", "-g", "frr");
        bgpd = PeerDaemon.start(namespace, dir.resolve("bgpd.log"), "/usr/lib/frr/bgpd", "-f",
                topology.write("bgpd.conf", bgpdConfig).toString(), "-i", dir.resolve("bgpd.pid").toString(),
                "-z", zserv, "--vty_socket", dir.toString(), "-u", "frr", "-g", "frr");
        Awaitility.await("bgpd ready").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> vtysh("show bgp summary").contains("BGP router identifier"));
    }

    public String vtysh(String command) {
        return Shell.run("vtysh", "--vty_socket", dir.toString(), "-c", command).output();
    }

    /** Whether the kernel table of the namespace has the host route (zebra installed it). */
    boolean kernelHasRoute(String address) {
        return namespace.exec("ip", address.contains(":") ? "-6" : "-4", "route", "show", address).output().contains("proto bgp");
    }

    public String log() {
        return zebra.log() + (bfdd == null ? "" : bfdd.log()) + bgpd.log();
    }

    @Override
    public void close() {
        bgpd.close();
        if (bfdd != null) {
            bfdd.close();
        }
        zebra.close();
    }
}
