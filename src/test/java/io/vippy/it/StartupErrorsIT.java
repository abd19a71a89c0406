package io.vippy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vippy.testing.RootOnly;
import io.vippy.testing.Shell;
import io.vippy.testing.TestNamespace;
import io.vippy.testing.VippyProcess;
import io.vippy.testing.VippyProcess.EarlyExit;
import io.vippy.testing.VippyTestEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar refuses what it cannot run with before it listens: a bad value of each property of the
 * README's configuration table, a namespace it may not enter, a missing capability, a missing libnftables.
 * Each run must end by itself, non-zero, its last line naming what is wrong, with no stack trace.
 */
class StartupErrorsIT {
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(90);
    /** Two JVMs at a time: the machine has two cores, and each run is mostly JVM start-up. */
    private static final int PARALLEL_RUNS = 2;

    private TestNamespace namespace;
    private Path dataDir;

    /** A bad setting (system properties and environment variables), and what the error line must name. */
    private record Case(String names, Map<String, String> settings, Map<String, String> environment) {
        static Case property(String property, String badValue) {
            return new Case(property, Map.of(property, badValue), Map.of());
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        RootOnly.assumeRoot();
        // Any setting that were wrongly accepted would touch only this namespace and directory.
        namespace = TestNamespace.create("vcfg");
        dataDir = Files.createTempDirectory("vippy-cfg");
    }

    @AfterEach
    void tearDown() {
        if (namespace != null) {
            namespace.close();
        }
        VippyTestEnvironment.deleteRecursively(dataDir);
    }

    /** One bad value per row of the README's configuration table (and vippy.ipvs.masquerade). */
    private List<Case> readmeTableCases() throws Exception {
        Path notADirectory = Files.createFile(dataDir.resolve("a-file"));
        return List.of(
                new Case("PACKET_AUTH_TOKEN", Map.of("vippy.provider", "equinix-metal"), Map.of("PACKET_AUTH_TOKEN", " ")),
                new Case("METAL_AUTH_TOKEN", Map.of("vippy.provider", "equinix-metal"), Map.of("METAL_AUTH_TOKEN", " ")),
                new Case("PROJECT_ID", Map.of(), Map.of("METAL_AUTH_TOKEN", "token", "PROJECT_ID", " ")),
                new Case("METRO", Map.of(), Map.of("METAL_AUTH_TOKEN", "token", "PROJECT_ID", "p", "METRO", " ")),
                new Case("FACILITY_ID", Map.of(), Map.of("METAL_AUTH_TOKEN", "token", "PROJECT_ID", "p", "FACILITY_ID", " ")),
                Case.property("vippy.provider", "aws"),
                Case.property("vippy.metal.api-url", "::not a url"),
                Case.property("vippy.metal.metadata-url", "::not a url"),
                Case.property("vippy.metal.cluster-id", "two,clusters"),
                Case.property("vippy.metal.orphan-policy", "delete"),
                Case.property("vippy.metal.orphan-scan-interval", "-5m"),
                Case.property("vippy.static.pool", "300.0.0.0/99"),
                Case.property("vippy.dataplane", "ebpf"),
                Case.property("vippy.bgp.enabled", "maybe"),
                Case.property("vippy.bgp.local-as", "0"),
                Case.property("vippy.bgp.router-id", "router1"),
                Case.property("vippy.bgp.source-address", "10.0.0"),
                new Case("vippy.bgp.peers", Map.of("vippy.bgp.local-as", "65000", "vippy.bgp.peers", "10.0.0.1"), Map.of()),
                Case.property("vippy.bgp.password", "x".repeat(81)),
                Case.property("vippy.bgp.multihop", "256"),
                Case.property("vippy.bgp.hold-time", "2"),
                Case.property("vippy.data-dir", notADirectory.toString()),
                Case.property("vippy.store", "mysql"),
                Case.property("vippy.netns", "no-such-namespace"),
                Case.property("vippy.health.enabled", "maybe"),
                Case.property("vippy.health.threads", "0"),
                Case.property("vippy.withdraw-when-degraded", "sometimes"),
                Case.property("vippy.drain-delay", "-1s"),
                Case.property("vippy.metrics.refresh-interval", "0s"),
                Case.property("vippy.api.token", "too-short"),
                Case.property("vippy.api.auth", "maybe"),
                Case.property("vippy.ipvs.masquerade", "maybe"),
                Case.property("quarkus.http.port", "70000"));
    }

    @Test
    void aBadValueOfEveryPropertyStopsStartUpWithOneLineNamingIt() throws Exception {
        List<Case> cases = readmeTableCases();
        ExecutorService runs = Executors.newFixedThreadPool(PARALLEL_RUNS);
        try {
            List<Future<EarlyExit>> exits = new ArrayList<>();
            for (Case bad : cases) {
                Map<String, String> settings = new LinkedHashMap<>(baseSettings());
                settings.putAll(bad.settings());
                exits.add(runs.submit(() -> VippyProcess.runExpectingExit(List.of(), settings, bad.environment(), EXIT_TIMEOUT)));
            }
            List<String> wrong = new ArrayList<>();
            for (int i = 0; i < cases.size(); i++) {
                String problem = problem(exits.get(i).get(EXIT_TIMEOUT.toSeconds() * cases.size(), TimeUnit.SECONDS),
                        cases.get(i).names());
                if (problem != null) {
                    wrong.add(cases.get(i) + ": " + problem);
                }
            }
            assertEquals(List.of(), wrong);
        } finally {
            runs.shutdownNow();
        }
    }

    @Test
    void aNamespaceItMayNotEnterStopsStartUpWithOneLine() throws Exception {
        RootOnly.requireTool("setpriv");
        // As deploy/vippy.service runs it: user nobody, CAP_NET_ADMIN only; setns needs CAP_SYS_ADMIN too.
        EarlyExit exit = VippyProcess.runExpectingExit(asNobodyWith("net_admin"), baseSettings(), Map.of(), EXIT_TIMEOUT);
        assertNull(problem(exit, "vippy.netns"));
        assertTrue(lastLine(exit).contains("CAP_SYS_ADMIN") && lastLine(exit).contains("EPERM"), exit.output());
    }

    @Test
    void withoutCapNetAdminStartUpStopsWithOneLine() throws Exception {
        RootOnly.requireTool("setpriv");
        Map<String, String> settings = new LinkedHashMap<>(baseSettings());
        settings.remove("vippy.netns");
        EarlyExit exit = VippyProcess.runExpectingExit(asNobodyWith(null), settings, Map.of(), EXIT_TIMEOUT);
        assertNull(problem(exit, "CAP_NET_ADMIN"));
    }

    @Test
    void aMissingLibnftablesStopsStartUpWithOneLine() {
        RootOnly.requireTool("unshare");
        String library = Shell.sh("ldconfig -p | awk '/libnftables.so.1 / {print $NF; exit}'").orThrow().strip();
        assertTrue(library.startsWith("/"), "libnftables1 is installed: " + library);
        // A private mount namespace in which the library is an empty file: only this process sees it so.
        List<String> withoutLibrary = List.of("unshare", "--mount", "--propagation", "private", "sh", "-c",
                "mount --bind /dev/null \"$0\" && exec \"$@\"", library);
        Map<String, String> settings = new LinkedHashMap<>(baseSettings());
        settings.put("vippy.dataplane", "nftables");
        EarlyExit exit = VippyProcess.runExpectingExit(withoutLibrary, settings, Map.of(), EXIT_TIMEOUT);
        assertNull(problem(exit, "vippy.dataplane"));
        assertTrue(lastLine(exit).contains("libnftables1"), "says which package to install:\n" + exit.output());
    }

    private Map<String, String> baseSettings() {
        // BGP off: with a Metal token, discovery would ask the real metadata service.
        return Map.of("vippy.data-dir", dataDir.toString(), "vippy.netns", namespace.name(),
                "vippy.api.token", VippyTestEnvironment.TOKEN, "vippy.bgp.enabled", "false");
    }

    /** setpriv as user nobody holding only this capability (null: none), ambient so that java keeps it. */
    private List<String> asNobodyWith(String capability) throws Exception {
        Shell.run("chown", "nobody:nogroup", dataDir.toString()).orThrow();
        String caps = capability == null ? "-all" : "-all,+" + capability;
        return List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=" + caps,
                "--ambient-caps=" + caps, "--bounding-set=" + caps);
    }

    /** What is wrong with how the run ended (null: nothing): non-zero, last line names it, no stack trace. */
    private static String problem(EarlyExit exit, String names) {
        if (exit.exitCode() == 0) {
            return "exit status 0:\n" + exit.output();
        }
        if (exit.output().contains("Listening on")) {
            return "it listened before stopping:\n" + exit.output();
        }
        if (exit.output().lines().anyMatch(line -> line.matches("\\s+at .*") || line.startsWith("Caused by"))) {
            return "a stack trace:\n" + exit.output();
        }
        if (!lastLine(exit).contains(names)) {
            return "the last line does not name " + names + ":\n" + exit.output();
        }
        return null;
    }

    private static String lastLine(EarlyExit exit) {
        List<String> lines = exit.output().lines().filter(line -> !line.isBlank()).toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }
}
