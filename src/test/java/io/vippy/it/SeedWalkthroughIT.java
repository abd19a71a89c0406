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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The original Vippy walkthrough's commands, run literally with curl and jq against the packaged jar
 * (only {@code <host>} and the uuid filled in). As written they carry no token, so Vippy runs with
 * {@code vippy.api.auth=false}, the local-development setting.
 */
class SeedWalkthroughIT {
    private final ObjectMapper json = new ObjectMapper();
    private TestNamespace namespace;
    private Path dataDir;
    private VippyProcess vippy;

    @BeforeEach
    void start() throws Exception {
        RootOnly.assumeRoot();
        RootOnly.requireTool("curl");
        RootOnly.requireTool("jq");
        namespace = TestNamespace.create("vseed");
        dataDir = Files.createTempDirectory("vippy-seed");
        vippy = VippyProcess.start(Map.of("vippy.data-dir", dataDir.toString(), "vippy.netns", namespace.name(),
                "vippy.api.auth", "false"), Files.createTempFile("vippy-seed", ".log"));
    }

    @AfterEach
    void stop() {
        if (vippy != null) {
            vippy.close();
        }
        if (namespace != null) {
            namespace.close();
        }
        VippyTestEnvironment.deleteRecursively(dataDir);
    }

    private String run(String command) {
        // The walkthrough's <host>:10001 is this Vippy's address and port.
        String authority = vippy.uri("").getAuthority();
        return Shell.sh(command.replace("<host>:10001", authority).replace("<node>:10001", authority)).orThrow();
    }

    @Test
    void everyCommandWorksAsWritten() throws Exception {
        JsonNode created = json.readTree(run("curl -s -X POST http://<host>:10001/loadbalancer -H 'Content-Type: application/json'"
                + " -d '{\"name\":\"test loadbalancer\", \"port\": 6443}'"));
        String uuid = created.get("uuid").asText();

        JsonNode listed = json.readTree(run("curl -s http://<host>:10001/loadbalancers | jq"));
        JsonNode lb = listed.get(0);
        assertEquals(List.of("uuid", "name", "eip", "port", "backends"), fieldNames(lb).subList(0, 5),
                "the original's fields come first, in its order");
        assertEquals("test loadbalancer", lb.get("name").asText());
        assertEquals(6443, lb.get("port").asInt());
        assertTrue(lb.get("backends").isNull(), "\"backends\": null, as in the original");

        // No Content-Type: curl -d sends application/x-www-form-urlencoded, and the body is JSON all the same.
        JsonNode backend = json.readTree(run(("curl -s -X POST http://<host>:10001/loadbalancer/" + uuid
                + "/backend -d '{\"ip\":\"10.80.96.25\", \"port\": 6443}'")));
        assertEquals("10.80.96.25", backend.get("ip").asText());

        JsonNode withBackend = json.readTree(run("curl -s http://<node>:10001/loadbalancers | jq")).get(0);
        JsonNode firstBackend = withBackend.get("backends").get(0);
        assertEquals(List.of("uuid", "ip", "port"), fieldNames(firstBackend).subList(0, 3));
        assertEquals(backend.get("uuid"), firstBackend.get("uuid"));
        assertEquals(6443, firstBackend.get("port").asInt());

        String eip = awaitActive(uuid);
        String table = namespace.exec("nft", "list", "table", "ip", "vippy").orThrow();
        assertTrue(table.contains(eip) && table.contains("10.80.96.25"), "the kernel holds the service:\n" + table);

        run(("curl -s -X DELETE http://<node>:10001/loadbalancer/" + uuid));
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (System.nanoTime() < deadline && vippy.send("GET", "/loadbalancer/" + uuid, null).statusCode() != 404) {
            Thread.sleep(50);
        }
        assertEquals(404, vippy.send("GET", "/loadbalancer/" + uuid, null).statusCode());
        String after = namespace.exec("nft", "list", "table", "ip", "vippy").orThrow();
        assertTrue(!after.contains(eip), "the service left the kernel:\n" + after);
    }

    private String awaitActive(String uuid) throws Exception {
        long deadline = System.nanoTime() + 15_000_000_000L;
        JsonNode lb;
        do {
            lb = json.readTree(vippy.send("GET", "/loadbalancer/" + uuid, null).body());
            if ("ACTIVE".equals(lb.get("status").asText())) {
                return lb.get("eip").asText();
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("not ACTIVE within 15 s: " + lb);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
