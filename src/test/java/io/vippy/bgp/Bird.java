package io.vippy.bgp;

import io.vippy.testing.Shell;
import io.vippy.testing.TestNamespace;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/** BIRD 2 as a peer: started in the foreground with its own control socket, queried with birdc. */
public final class Bird implements AutoCloseable {
    private final Path socket;
    private final PeerDaemon daemon;

    public Bird(BgpTopology topology, TestNamespace namespace, String name, String config) {
        Path conf = topology.write(name + ".conf", config);
        socket = topology.dir.resolve(name + ".ctl");
        daemon = PeerDaemon.start(namespace, topology.dir.resolve(name + ".log"), "bird", "-f", "-c", conf.toString(),
                "-s", socket.toString(), "-P", topology.dir.resolve(name + ".pid").toString());
        awaitReady();
    }

    private void awaitReady() {
        try {
            Awaitility.await("BIRD ready").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> daemon.isAlive() && birdc("show status").contains("Daemon is up"));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("BIRD did not start:\n" + daemon.log(), e);
        }
    }

    public String birdc(String command) {
        return Shell.run("birdc", "-s", socket.toString(), command).output();
    }

    /** Whether the routing table holds exactly this prefix, e.g. {@code 203.0.113.10/32}. */
    public boolean hasRoute(String prefix) {
        return birdc("show route " + prefix).contains(prefix);
    }

    public boolean isEstablished(String protocol) {
        return birdc("show protocols " + protocol).contains("Established");
    }

    /** Stops and starts the daemon again, as a router reboot would. */
    void restart() {
        daemon.close();
        daemon.start();
        awaitReady();
    }

    public String log() {
        return daemon.log();
    }

    @Override
    public void close() {
        daemon.close();
    }
}
