package io.vippy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vippy.testing.RootOnly;
import io.vippy.testing.Shell;
import io.vippy.testing.VippyTestEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/Containerfile} built from the packaged app and run as the README says, in the rig's node
 * namespace with CAP_NET_ADMIN only and the data directory as a volume. No image registry reaches CI: the base
 * is a Debian stand-in for the public JRE image, made with debootstrap ({@code src/test/container/}). Its
 * minimal root has no {@code /etc/protocols}, so libnftables prints protocol numbers where a full system prints
 * names: the metrics refresh and the start-up sync that adopts the kernel's table must read them all the same.
 */
class ContainerIT {
    private static final Path CONTAINER_RIG = Path.of("src/test/container");
    private static final String IMAGE = "localhost/vippy:it";
    /** A cold run makes the base with debootstrap and installs a JRE into it; a warm one finds both. */
    private static final Duration PREPARE_TIMEOUT = Duration.ofMinutes(8);
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(4);
    private static final int REQUESTS = 30;
    /** What the log showed when protocol numbers could not be read: a metrics refresh, a sync of the table. */
    private static final List<String> FAILED_READS = List.of("refresh failed", "protocol must be one of",
            "ValidationException");

    @BeforeAll
    static void buildTheImage() {
        RootOnly.assumeRoot();
        for (String tool : List.of("podman", "runc", "debootstrap")) {
            RootOnly.requireTool(tool);
        }
        String[] prepared = Shell.run(PREPARE_TIMEOUT, CONTAINER_RIG.resolve("prepare-base.sh").toString())
                .orThrow().strip().split("\n");
        String base = prepared[prepared.length - 1];
        podman(BUILD_TIMEOUT, "build", "--network=host", "--build-arg", "BASE_IMAGE=" + base,
                "-f", "deploy/Containerfile", "-t", IMAGE, ".").orThrow();
        // The image this build replaced (its layers stay as the cache of the next build).
        podman(Shell.DEFAULT_TIMEOUT, "image", "prune", "--force").orThrow();
        assertTrue(podman(Shell.DEFAULT_TIMEOUT, "run", "--rm", "--network=none", "--entrypoint=test", IMAGE,
                "!", "-e", "/etc/protocols").ok(), "the image is minimal: no /etc/protocols (netbase) in it");
    }

    @Test
    void walkthroughSigtermAndARestartWithTheLoadBalancerInTheKernel() throws Exception {
        Path dataDir = Files.createTempDirectory("vippy-container");
        Path envFile = Files.createTempFile("vippy-container", ".env");
        try (MetalRig rig = MetalRig.up()) {
            Map<String, String> environment = MetalRig.staticPoolEnvironment();
            environment.put("VIPPY_METRICS_REFRESH_INTERVAL", "1s");
            List<String> lines = new ArrayList<>();
            environment.forEach((key, value) -> lines.add(key + "=" + value));
            Files.write(envFile, lines);
            // What the Containerfile asks of the host: the container sees /proc/sys read-only.
            rig.in("node", "sysctl", "-qw", "net.ipv4.ip_forward=1").orThrow();
            String uuid;
            try (Container vippy = Container.run(rig, dataDir, envFile)) {
                uuid = createServeAndStop(rig, vippy);
            }
            try (Container vippy = Container.run(rig, dataDir, envFile)) {
                adoptServeDeleteAndStop(rig, vippy, uuid);
            }
        } finally {
            VippyTestEnvironment.deleteRecursively(dataDir);
            Files.deleteIfExists(envFile);
        }
    }

    /** The first run: CAP_NET_ADMIN only, the walkthrough up to traffic, SIGTERM. Returns the uuid. */
    private static String createServeAndStop(MetalRig rig, Container vippy) throws Exception {
        String status = Files.readString(Path.of("/proc", vippy.pid(), "status"));
        assertTrue(status.contains("\nCapEff:\t0000000000001000\n"), "CAP_NET_ADMIN only:\n" + status);
        RigClient client = new RigClient(rig);
        client.awaitSessions();
        String uuid = client.createThroughNode(vippy::logs);
        String eip = client.nodeLoadBalancer(uuid).get("eip").asText();
        servesTheClient(client, eip);
        awaitConnectionsCounted(client, uuid, REQUESTS, vippy);

        assertEquals(0, vippy.stop(), "SIGTERM is a normal stop: exit 0\n" + vippy.logs());
        client.awaitTorRoutes(eip, 0);
        assertTrue(rig.in("node", "nft", "list", "table", "ip", "vippy").orThrow().contains(eip),
                "the kernel's load balancing stays after SIGTERM");
        assertNoFailedRead(vippy.logs());
        return uuid;
    }

    /** The restart: the load balancer, still in the kernel, ACTIVE again and serving; then delete, SIGTERM. */
    private static void adoptServeDeleteAndStop(MetalRig rig, Container vippy, String uuid) {
        RigClient client = new RigClient(rig);
        client.awaitNodeStatus(uuid, "ACTIVE", vippy::logs);
        String eip = client.nodeLoadBalancer(uuid).get("eip").asText();
        servesTheClient(client, eip);
        // The kernel kept counting through the restart: the new process reads the adopted elements.
        awaitConnectionsCounted(client, uuid, 2 * REQUESTS, vippy);

        client.nodeCurl("-f -X DELETE " + RigClient.NODE_API + "/loadbalancer/" + uuid).orThrow();
        String statusCode = "-o /dev/null -w '%{http_code}' " + RigClient.NODE_API + "/loadbalancer/" + uuid;
        RigClient.awaitCondition("load balancer gone (404)", Duration.ofSeconds(20),
                () -> client.nodeCurl(statusCode).output().equals("404"), vippy::logs);
        client.awaitTorRoutes(eip, 0);
        assertFalse(rig.in("node", "nft", "list", "table", "ip", "vippy").orThrow().contains(eip),
                "the service left the kernel");

        assertEquals(0, vippy.stop(), "SIGTERM is a normal stop: exit 0\n" + vippy.logs());
        assertNoFailedRead(vippy.logs());
    }

    private static void servesTheClient(RigClient client, String eip) {
        client.awaitTorRoutes(eip, 2);
        assertEquals(Set.of("be1", "be2", "be3"), client.backendsSeen(eip, 80, REQUESTS));
    }

    /** The metrics refresh read the kernel's counters (its table, protocols as numbers) at least this far. */
    private static void awaitConnectionsCounted(RigClient client, String uuid, int connections, Container vippy) {
        Pattern counted = Pattern.compile("(?m)^vippy_loadbalancer_connections_total\\{[^}]*loadbalancer=\""
                + uuid + "\"[^}]*} (\\S+)$");
        RigClient.awaitCondition(connections + " connections in /q/metrics", Duration.ofSeconds(20), () -> {
            Matcher value = counted.matcher(client.nodeCurl("-f " + RigClient.NODE_API + "/q/metrics").orThrow());
            return value.find() && Double.parseDouble(value.group(1)) >= connections;
        }, vippy::logs);
    }

    private static void assertNoFailedRead(String log) {
        for (String failure : FAILED_READS) {
            assertFalse(log.contains(failure), "a failed read in the log (" + failure + "):\n" + log);
        }
    }

    private static Shell.Result podman(Duration timeout, String... arguments) {
        List<String> command = new ArrayList<>(List.of(CONTAINER_RIG.resolve("podman.sh").toString()));
        command.addAll(List.of(arguments));
        return Shell.run(timeout, command.toArray(String[]::new));
    }

    /**
     * One run of the image as the README's command runs it, but in the rig's node namespace instead of the
     * host's network, with the rig's settings; closing removes the container.
     */
    private static final class Container implements AutoCloseable {
        private final String name;

        private Container(String name) {
            this.name = name;
        }

        static Container run(MetalRig rig, Path dataDir, Path envFile) {
            Container container = new Container("vippy-it-"
                    + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff)));
            try {
                podman(Shell.DEFAULT_TIMEOUT, "run", "-d", "--name", container.name,
                        "--network", "ns:/run/netns/" + rig.namespace("node"),
                        "--cap-drop", "all", "--cap-add", "NET_ADMIN",
                        "-v", dataDir + ":/var/lib/vippy", "--env-file", envFile.toString(), IMAGE).orThrow();
                RigClient client = new RigClient(rig);
                RigClient.awaitCondition("Vippy's container up", Duration.ofSeconds(60), () -> {
                    if (!container.inspect("{{.State.Running}}").equals("true")) {
                        throw new AssertionError("the container stopped:\n" + container.logs());
                    }
                    return client.nodeCurl("-f " + RigClient.NODE_API + "/q/health/live").ok();
                }, container::logs);
                return container;
            } catch (RuntimeException | AssertionError e) {
                container.close();
                throw e;
            }
        }

        String inspect(String format) {
            return podman(Shell.DEFAULT_TIMEOUT, "inspect", "--format", format, name).orThrow().strip();
        }

        String pid() {
            return inspect("{{.State.Pid}}");
        }

        String logs() {
            return podman(Shell.DEFAULT_TIMEOUT, "logs", name).output();
        }

        /** podman stop: SIGTERM, SIGKILL only after 20 s (the unit's TimeoutStopSec); returns the exit code. */
        int stop() {
            podman(Duration.ofSeconds(40), "stop", "--time", "20", name).orThrow();
            return Integer.parseInt(inspect("{{.State.ExitCode}}"));
        }

        @Override
        public void close() {
            podman(Duration.ofSeconds(40), "rm", "--force", "--time", "0", name);
        }
    }
}
