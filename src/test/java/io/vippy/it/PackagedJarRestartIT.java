package io.vippy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vippy.testing.RootOnly;
import io.vippy.testing.TestNamespace;
import io.vippy.testing.VippyProcess;
import io.vippy.testing.VippyTestEnvironment;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The packaged jar killed with SIGKILL and started again: everything acknowledged is still there, unchanged. */
class PackagedJarRestartIT {
    private final ObjectMapper json = new ObjectMapper();
    private TestNamespace namespace;
    private Path dataDir;
    private Path log;

    @BeforeEach
    void setUp() throws Exception {
        RootOnly.assumeRoot();
        namespace = TestNamespace.create("vrst");
        dataDir = Files.createTempDirectory("vippy-restart");
        log = Files.createTempFile("vippy-restart", ".log");
    }

    @AfterEach
    void tearDown() {
        if (namespace != null) {
            namespace.close();
        }
        VippyTestEnvironment.deleteRecursively(dataDir);
    }

    private VippyProcess start() {
        // Health checks off: the backends here do not exist, and their health changing between the last read
        // and the kill would make "unchanged" untestable.
        return VippyProcess.start(Map.of("vippy.data-dir", dataDir.toString(), "vippy.netns", namespace.name(),
                "vippy.health.enabled", "false"), log);
    }

    private Map<String, JsonNode> loadBalancers(VippyProcess vippy) throws Exception {
        HttpResponse<String> list = vippy.send("GET", "/loadbalancers", null);
        assertEquals(200, list.statusCode(), list.body());
        Map<String, JsonNode> byUuid = new HashMap<>();
        json.readTree(list.body()).forEach(lb -> byUuid.put(lb.get("uuid").asText(), lb));
        return byUuid;
    }

    @Test
    void killNineAfterAcknowledgementLosesNothing() throws Exception {
        Map<String, JsonNode> before;
        try (VippyProcess vippy = start()) {
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> created = vippy.send("POST", "/loadbalancer",
                        "{\"name\":\"lb-" + i + "\",\"port\":" + (8000 + i) + "}");
                assertEquals(201, created.statusCode(), created.body());
                String uuid = json.readTree(created.body()).get("uuid").asText();
                HttpResponse<String> backend = vippy.send("POST", "/loadbalancer/" + uuid + "/backend",
                        "{\"ip\":\"10.0.0." + (i + 1) + "\",\"port\":80}");
                assertEquals(201, backend.statusCode(), backend.body());
            }
            long deadline = System.nanoTime() + 20_000_000_000L;
            do {
                before = loadBalancers(vippy);
            } while (before.values().stream().anyMatch(lb -> !"ACTIVE".equals(lb.get("status").asText()))
                    && System.nanoTime() < deadline);
            vippy.kill();
        }
        try (VippyProcess vippy = start()) {
            Map<String, JsonNode> after = loadBalancers(vippy);
            assertEquals(before.keySet(), after.keySet());
            for (Map.Entry<String, JsonNode> entry : before.entrySet()) {
                JsonNode was = entry.getValue();
                JsonNode is = after.get(entry.getKey());
                assertEquals(was.get("eip"), is.get("eip"), "same address after restart");
                assertEquals(was.get("name"), is.get("name"));
                assertEquals(durable(was.get("backends")), durable(is.get("backends")), "same backends, same uuids");
            }
        }
    }

    /** A backend's recorded fields; its health is worked out again after a restart. */
    private static List<String> durable(JsonNode backends) {
        List<String> fields = new ArrayList<>();
        backends.forEach(b -> fields.add(b.get("uuid").asText() + " " + b.get("ip").asText() + ":" + b.get("port").asInt()
                + " weight " + b.get("weight").asInt()));
        return fields;
    }

    @Test
    void killNineInTheMiddleOfCreatesKeepsEveryAcknowledgedOne() throws Exception {
        List<String> acknowledged = new ArrayList<>();
        try (VippyProcess vippy = start()) {
            AtomicBoolean stop = new AtomicBoolean();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 2000 && !stop.get(); i++) {
                    try {
                        HttpResponse<String> created = vippy.send("POST", "/loadbalancer",
                                "{\"name\":\"burst-" + i + "\",\"port\":9000}");
                        if (created.statusCode() == 201) {
                            synchronized (acknowledged) {
                                acknowledged.add(json.readTree(created.body()).get("uuid").asText());
                            }
                        }
                    } catch (Exception e) {
                        return; // the process is gone
                    }
                }
            });
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (System.nanoTime() < deadline) {
                synchronized (acknowledged) {
                    if (acknowledged.size() >= 30) {
                        break;
                    }
                }
                Thread.sleep(10);
            }
            vippy.kill();
            stop.set(true);
            writer.join();
        }
        assertTrue(acknowledged.size() >= 30, "only " + acknowledged.size() + " creates were acknowledged");
        try (VippyProcess vippy = start()) {
            Map<String, JsonNode> after = loadBalancers(vippy);
            synchronized (acknowledged) {
                for (String uuid : acknowledged) {
                    assertTrue(after.containsKey(uuid), "acknowledged load balancer " + uuid + " was lost");
                }
            }
        }
    }
}
