package io.vippy.bgp;

import io.vippy.testing.TestNamespace;
import java.time.Duration;
import org.awaitility.Awaitility;

/** gobgpd as a peer, with its gRPC API on the namespace's loopback, queried with the gobgp CLI. */
final class GoBgp implements AutoCloseable {
    private final TestNamespace namespace;
    private final PeerDaemon daemon;

    GoBgp(BgpTopology topology, TestNamespace namespace, String config) {
        this.namespace = namespace;
        daemon = PeerDaemon.start(namespace, topology.dir.resolve("gobgpd.log"), "gobgpd", "-f",
                topology.write("gobgpd.toml", config).toString(), "-p", "--api-hosts", "127.0.0.1:50051", "--pprof-disable");
        Awaitility.await("gobgpd ready").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> daemon.isAlive() && gobgp("global").contains("AS:"));
    }

    String gobgp(String... arguments) {
        String[] command = new String[arguments.length + 5];
        System.arraycopy(new String[] {"gobgp", "-u", "127.0.0.1", "-p", "50051"}, 0, command, 0, 5);
        System.arraycopy(arguments, 0, command, 5, arguments.length);
        return namespace.exec(command).output();
    }

    /** Whether the global RIB holds exactly this prefix, e.g. {@code 203.0.113.10/32}. */
    boolean hasRoute(String prefix) {
        String family = prefix.contains(":") ? "ipv6" : "ipv4";
        return gobgp("global", "rib", "-a", family, prefix).contains(prefix);
    }

    boolean isEstablished(String neighbor) {
        return gobgp("neighbor", neighbor).toLowerCase().contains("bgp state = established");
    }

    String log() {
        return daemon.log();
    }

    @Override
    public void close() {
        daemon.close();
    }
}
