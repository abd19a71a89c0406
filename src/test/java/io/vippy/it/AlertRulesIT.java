package io.vippy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vippy.testing.RootOnly;
import io.vippy.testing.Shell;
import io.vippy.testing.TestNamespace;
import io.vippy.testing.VippyProcess;
import io.vippy.testing.VippyTestEnvironment;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * deploy/prometheus/vippy-alerts.yml against Debian's Prometheus: promtool checks the rules and runs their unit
 * tests (each alert fired by synthetic series), then a real Prometheus scrapes a running Vippy whose only BGP peer
 * does not answer, and VippyBgpSessionDown fires, and VippyNotReady too (its addresses reach no router, and
 * readiness names the peer). The Grafana dashboard names only metrics Vippy exports.
 */
class AlertRulesIT {
    private static final Path RULES = Path.of("deploy/prometheus/vippy-alerts.yml");
    private static final Path RULE_TESTS = Path.of("src/test/prometheus/vippy-alerts-test.yml");
    private static final Path DASHBOARD = Path.of("deploy/grafana/vippy-dashboard.json");
    private static final Duration FIRING_WAIT = Duration.ofSeconds(90);
    /** Series that appear only with the Metal provider, IPVS counters, traffic or API calls, none of which run here. */
    private static final Set<String> NOT_HERE = Set.of("vippy_metal_api_requests_total", "vippy_loadbalancer_traffic_bytes_total",
            "vippy_loadbalancer_connections_total", "vippy_backend_connections_total", "vippy_backend_health",
            "vippy_reconcile_step_seconds_sum", "vippy_reconcile_step_seconds_count", "http_server_requests_seconds_count");
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Path dir;
    private TestNamespace namespace;
    private VippyProcess vippy;
    private Process prometheus;

    @BeforeEach
    void prepare() throws IOException {
        RootOnly.assumeRoot();
        RootOnly.requireTool("promtool");
        RootOnly.requireTool("prometheus");
        dir = Files.createTempDirectory("vippy-alerts");
    }

    @AfterEach
    void cleanUp() throws InterruptedException {
        if (prometheus != null) {
            prometheus.destroy();
            if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        if (vippy != null) {
            vippy.close();
        }
        if (namespace != null) {
            namespace.close();
        }
        VippyTestEnvironment.deleteRecursively(dir);
    }

    @Test
    void promtoolChecksTheRulesAndTheirUnitTestsFireEachAlert() throws IOException {
        Files.copy(RULES, dir.resolve("vippy-alerts.yml"));
        Files.copy(RULE_TESTS, dir.resolve("vippy-alerts-test.yml"));
        String check = Shell.run("promtool", "check", "rules", dir.resolve("vippy-alerts.yml").toString()).orThrow();
        assertTrue(check.contains("SUCCESS: 6 rules found"), check);
        String tests = Shell.run("promtool", "test", "rules", dir.resolve("vippy-alerts-test.yml").toString()).orThrow();
        assertTrue(tests.contains("SUCCESS"), tests);
        for (String alert : alertNames()) {
            assertTrue(Files.readString(RULE_TESTS).contains("alertname: " + alert), alert + " has no unit test in " + RULE_TESTS);
        }
    }

    @Test
    void aRealPrometheusScrapingVippySeesTheBgpSessionDownAlertFire() throws Exception {
        namespace = TestNamespace.create("valert");
        Path dataDir = Files.createDirectories(dir.resolve("vippy-data"));
        // A peer on the namespace's loopback where nothing listens: the session never establishes.
        vippy = VippyProcess.start(Map.of("vippy.data-dir", dataDir.toString(), "vippy.netns", namespace.name(),
                "vippy.health.enabled", "false", "vippy.metrics.refresh-interval", "1s",
                "vippy.bgp.local-as", "64512", "vippy.bgp.router-id", "192.0.2.10", "vippy.bgp.peers", "127.0.0.1:1790@64513"),
                dir.resolve("vippy.log"));

        // The shipped rules with every "for:" shortened, so the test waits seconds, not minutes.
        Files.writeString(dir.resolve("rules.yml"), Files.readString(RULES).replaceAll("for: \\S+", "for: 2s"));
        Files.writeString(dir.resolve("prometheus.yml"), String.join("\n",
                "global: {scrape_interval: 1s, evaluation_interval: 1s}",
                "rule_files: [" + dir.resolve("rules.yml") + "]",
                "scrape_configs:",
                "  - job_name: vippy",
                "    metrics_path: /q/metrics",
                "    authorization: {credentials: " + VippyTestEnvironment.TOKEN + "}",
                "    static_configs: [{targets: ['127.0.0.1:" + vippy.port() + "']}]", ""));
        int port = VippyProcess.freePort();
        prometheus = new ProcessBuilder("prometheus", "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();

        long deadline = System.nanoTime() + FIRING_WAIT.toNanos();
        JsonNode firing = awaitFiring(port, "VippyBgpSessionDown", deadline);
        assertTrue(firing.path("labels").path("peer").asText().startsWith("127.0.0.1"), firing.toString());
        awaitFiring(port, "VippyNotReady", deadline);
        HttpResponse<String> ready = vippy.send("GET", "/q/health/ready", null);
        assertEquals(503, ready.statusCode(), ready.body());
        assertTrue(ready.body().contains("\"peer 127.0.0.1"), "readiness names the peer: " + ready.body());

        Set<String> scraped = new HashSet<>();
        get(port, "/api/v1/label/__name__/values").path("data").forEach(name -> scraped.add(name.asText()));
        Set<String> missing = new TreeSet<>(dashboardMetrics());
        missing.removeAll(scraped);
        missing.removeAll(NOT_HERE);
        assertEquals(Set.of(), missing, "the dashboard names metrics Vippy does not export");
    }

    /** Polls Prometheus every 500 ms until the alert fires; fails at the deadline. */
    private JsonNode awaitFiring(int port, String name, long deadline) throws IOException, InterruptedException {
        JsonNode firing = firingAlert(port, name);
        while (firing == null && System.nanoTime() < deadline) {
            Thread.sleep(500);
            firing = firingAlert(port, name);
        }
        assertTrue(firing != null, name + " did not fire within " + FIRING_WAIT + "; Prometheus:\n"
                + Files.readString(dir.resolve("prometheus.log")) + "\nVippy:\n" + vippy.log());
        return firing;
    }

    private JsonNode firingAlert(int port, String name) throws IOException, InterruptedException {
        for (JsonNode alert : get(port, "/api/v1/alerts").path("data").path("alerts")) {
            if (name.equals(alert.path("labels").path("alertname").asText()) && "firing".equals(alert.path("state").asText())) {
                return alert;
            }
        }
        return null;
    }

    private JsonNode get(int port, String path) throws IOException, InterruptedException {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return json.readTree(response.body());
        } catch (IOException e) {
            return json.createObjectNode(); // Not listening yet.
        }
    }

    private List<String> alertNames() throws IOException {
        return Pattern.compile("- alert: (\\S+)").matcher(Files.readString(RULES)).results().map(m -> m.group(1)).toList();
    }

    /** Metric names in the dashboard's queries: identifiers followed by a label selector. */
    private Set<String> dashboardMetrics() throws IOException {
        Set<String> names = new TreeSet<>();
        for (JsonNode panel : json.readTree(DASHBOARD.toFile()).path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                Matcher metric = Pattern.compile("([a-z_]+)\\{").matcher(target.path("expr").asText());
                while (metric.find()) {
                    names.add(metric.group(1));
                }
            }
        }
        assertTrue(names.contains("vippy_ready"), "no metrics found in " + DASHBOARD + ": " + names);
        return names;
    }
}
