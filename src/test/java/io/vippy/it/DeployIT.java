package io.vippy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.config.ConfigMapping;
import io.vippy.address.metal.MetalConfig;
import io.vippy.address.staticpool.StaticPoolConfig;
import io.vippy.api.ApiConfig;
import io.vippy.bgp.BgpConfig;
import io.vippy.core.VippyConfig;
import io.vippy.testing.RootOnly;
import io.vippy.testing.Shell;
import io.vippy.testing.VippyProcess;
import io.vippy.testing.VippyTestEnvironment;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What of {@code deploy/} can be checked without systemd as PID 1 or a container engine: the unit passes
 * {@code systemd-analyze verify}; every setting the files name is one Vippy reads; and the static-pool example,
 * run as the unit runs it (an unprivileged user holding only the unit's capabilities), serves the rig's client
 * through BGP and stops on SIGTERM as the unit expects. The container image: {@link ContainerIT}.
 */
class DeployIT {
    private static final Path DEPLOY = Path.of("deploy");
    private static final Path UNIT = DEPLOY.resolve("vippy.service");
    /** The seed's variables ({@code MetalCredentials}) and Quarkus's port: read, but by no mapping interface. */
    private static final Set<String> OTHER_NAMES = Set.of("PACKET_AUTH_TOKEN", "METAL_AUTH_TOKEN", "PROJECT_ID",
            "METRO", "FACILITY_ID", "QUARKUS_HTTP_PORT");

    @Test
    void theUnitPassesSystemdAnalyzeVerify() {
        RootOnly.requireTool("systemd-analyze");
        Shell.Result verify = Shell.run("systemd-analyze", "verify", UNIT.toString());
        assertEquals("", verify.output().trim(), "no warnings either");
        assertTrue(verify.ok(), verify.output());
    }

    @Test
    void everySettingTheDeployFilesNameIsOneVippyReads() throws Exception {
        Set<String> known = new TreeSet<>(OTHER_NAMES);
        for (Class<?> mapping : List.of(VippyConfig.class, BgpConfig.class, MetalConfig.class, StaticPoolConfig.class,
                ApiConfig.class)) {
            collect(mapping.getAnnotation(ConfigMapping.class).prefix(), mapping, known);
        }
        List<String> unknown = new ArrayList<>();
        for (Path file : List.of(UNIT, DEPLOY.resolve("Containerfile"), DEPLOY.resolve("Containerfile.native"),
                DEPLOY.resolve("equinix-metal.env.example"), DEPLOY.resolve("static-pool.env.example"))) {
            // KEY=value lines (commented ones too: they are meant to be uncommented), Environment= and ENV.
            Matcher names = Pattern.compile("(?m)^(?:#\\s*)?(?:Environment=|ENV\\s+)?([A-Z][A-Z0-9_]+)=").matcher(Files.readString(file));
            while (names.find()) {
                if (!known.contains(names.group(1))) {
                    unknown.add(file + ": " + names.group(1));
                }
            }
        }
        assertEquals(List.of(), unknown, "settings Vippy does not read; it reads " + known);
    }

    /** The environment variable of every property of a mapping interface, nested groups included. */
    private static void collect(String prefix, Class<?> mapping, Set<String> names) {
        for (Method method : mapping.getDeclaredMethods()) {
            String property = prefix + "." + method.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
            if (method.getReturnType().getEnclosingClass() == mapping) {
                collect(property, method.getReturnType(), names);
            } else {
                names.add(property.toUpperCase().replaceAll("[^A-Z0-9]", "_"));
            }
        }
    }

    @Test
    void theStaticPoolExampleRunsUnprivilegedWithTheUnitsCapabilities() throws Exception {
        RootOnly.assumeRoot();
        RootOnly.requireTool("setpriv");
        Path dataDir = Files.createTempDirectory("vippy-deploy");
        Path log = Files.createTempFile("vippy-deploy", ".log");
        try (MetalRig rig = MetalRig.up()) {
            Shell.run("chown", "nobody:nogroup", dataDir.toString()).orThrow();
            Map<String, String> environment = MetalRig.staticPoolEnvironment();
            environment.put("VIPPY_DATA_DIR", dataDir.toString());
            Process vippy = startAsTheUnitDoes(rig, environment, log);
            try {
                servesTheClientAndStopsOnSigterm(rig, vippy, log);
            } finally {
                vippy.destroyForcibly();
            }
        } finally {
            VippyTestEnvironment.deleteRecursively(dataDir);
            Files.deleteIfExists(log);
        }
    }

    /**
     * The unit's ExecStart, in its WorkingDirectory (/opt/vippy made our build's application directory), in the
     * node namespace, as user nobody with only the unit's
     * ambient capabilities: the daemon's own namespace is the node's, so vippy.netns (setns) is not needed.
     */
    private static Process startAsTheUnitDoes(MetalRig rig, Map<String, String> environment, Path log) throws Exception {
        String unit = Files.readString(UNIT);
        String caps = unitValue(unit, "AmbientCapabilities").toLowerCase().replace("cap_", "").replace(" ", ",+");
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", rig.namespace("node"), "setpriv",
                "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all,+" + caps,
                "--ambient-caps=-all,+" + caps, "--bounding-set=-all,+" + caps));
        command.addAll(List.of(unitValue(unit, "ExecStart").split(" ")));
        assertEquals("/opt/vippy", unitValue(unit, "WorkingDirectory"));
        ProcessBuilder builder = new ProcessBuilder(command).directory(VippyProcess.JAR.getParent().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        Process process = builder.start();
        RigClient.awaitCondition("Vippy up as nobody", Duration.ofSeconds(60),
                () -> {
                    if (!process.isAlive()) {
                        throw new AssertionError("Vippy exited with " + process.exitValue() + ":\n" + Files.readString(log));
                    }
                    return new RigClient(rig).nodeCurl("-f " + RigClient.NODE_API + "/q/health/live").ok();
                },
                () -> Files.readString(log));
        return process;
    }

    private static String unitValue(String unit, String key) {
        Matcher value = Pattern.compile("(?m)^" + key + "=(.+)$").matcher(unit);
        assertTrue(value.find(), "the unit has no " + key);
        return value.group(1).trim();
    }

    private static void servesTheClientAndStopsOnSigterm(MetalRig rig, Process vippy, Path log) throws Exception {
        String status = Files.readString(Path.of("/proc", Long.toString(vippy.pid()), "status"));
        assertTrue(status.contains("\nUid:\t65534\t65534"), status);
        assertTrue(status.contains("\nCapEff:\t0000000000001000\n"), "CAP_NET_ADMIN only:\n" + status);
        RigClient client = new RigClient(rig);
        client.awaitSessions();
        String eip = client.nodeLoadBalancer(client.createThroughNode(() -> Files.readString(log))).get("eip").asText();
        assertTrue(eip.startsWith("198.51.100."), "from the example's pool: " + eip);
        client.awaitTorRoutes(eip, 2);
        assertEquals(Set.of("be1", "be2", "be3"), client.backendsSeen(eip, 80, 30));

        vippy.destroy();
        assertTrue(vippy.waitFor(20, TimeUnit.SECONDS), "stopped within the unit's TimeoutStopSec");
        assertEquals(0, vippy.exitValue(), "SIGTERM is a normal stop: exit 0");
        client.awaitTorRoutes(eip, 0);
        assertTrue(rig.in("node", "nft", "list", "table", "ip", "vippy").orThrow().contains(eip),
                "the kernel's load balancing stays after SIGTERM");
    }
}
