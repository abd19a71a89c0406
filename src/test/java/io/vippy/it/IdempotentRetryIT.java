package io.vippy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vippy.testing.EtcdMember;
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
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The packaged jar: an Idempotency-Key is remembered across kill -9 and a restart, and by every node of a cluster. */
class IdempotentRetryIT {
    private final ObjectMapper json = new ObjectMapper();
    private final List<AutoCloseable> opened = new ArrayList<>();
    private final List<Path> dirs = new ArrayList<>();

    @BeforeEach
    void requireRoot() {
        RootOnly.assumeRoot();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        dirs.forEach(VippyTestEnvironment::deleteRecursively);
    }

    private Path tempDir(String name) throws Exception {
        Path dir = Files.createTempDirectory(name);
        dirs.add(dir);
        return dir;
    }

    private VippyProcess start(Map<String, String> settings) throws Exception {
        VippyProcess vippy = VippyProcess.start(settings, Files.createTempFile("vippy-idempotency", ".log"));
        opened.add(vippy);
        return vippy;
    }

    private String create(VippyProcess vippy, String key, String body, int status) throws Exception {
        HttpResponse<String> created = vippy.send("POST", "/loadbalancer", body, "Idempotency-Key", key);
        assertEquals(status, created.statusCode(), created.body() + "\n" + vippy.log());
        return status == 201 ? json.readTree(created.body()).get("uuid").asText() : created.body();
    }

    private List<String> uuidsNamed(VippyProcess vippy, String name) throws Exception {
        HttpResponse<String> list = vippy.send("GET", "/loadbalancers", null);
        assertEquals(200, list.statusCode(), list.body());
        List<String> uuids = new ArrayList<>();
        json.readTree(list.body()).forEach(lb -> {
            if (lb.get("name").asText().equals(name)) {
                uuids.add(lb.get("uuid").asText());
            }
        });
        return uuids;
    }

    @Test
    void aRetryAfterKillNineAndARestartAnswersTheFirstLoadBalancer() throws Exception {
        TestNamespace namespace = TestNamespace.create("vidm");
        opened.add(namespace);
        Map<String, String> settings = Map.of("vippy.data-dir", tempDir("vippy-idempotency").toString(),
                "vippy.netns", namespace.name(), "vippy.health.enabled", "false");
        String body = "{\"name\":\"survivor\",\"port\":7101}";
        String key = UUID.randomUUID().toString();
        VippyProcess first = start(settings);
        String uuid = create(first, key, body, 201);
        first.kill();
        VippyProcess second = start(settings);
        assertEquals(uuid, create(second, key, body, 201), "the same uuid after kill -9 and a restart");
        assertEquals(List.of(uuid), uuidsNamed(second, "survivor"), "and no second load balancer");
        assertTrue(create(second, key, "{\"name\":\"survivor\",\"port\":7102}", 422).contains("different request"));
    }

    @Test
    void aRetryOnAnotherNodeOfTheClusterAnswersTheFirstLoadBalancer() throws Exception {
        EtcdMember etcd = EtcdMember.single(tempDir("vippy-idempotency-etcd"));
        opened.add(etcd);
        String prefix = "/vippy-idempotency-" + UUID.randomUUID() + "/";
        List<VippyProcess> nodes = new ArrayList<>();
        for (int n = 1; n <= 2; n++) {
            TestNamespace namespace = TestNamespace.create("vidc");
            opened.add(namespace);
            Map<String, String> settings = new HashMap<>(Map.of("vippy.store", "etcd",
                    "vippy.etcd.endpoints", etcd.clientUrl(), "vippy.etcd.prefix", prefix,
                    "vippy.etcd.lease-ttl", "3s", "vippy.node.name", "node-" + n, "vippy.node.address", "127.0.0.1",
                    "vippy.netns", namespace.name(), "vippy.health.enabled", "false"));
            settings.put("vippy.data-dir", tempDir("vippy-idempotency-node").toString());
            nodes.add(start(settings));
        }
        String body = "{\"name\":\"clustered\",\"port\":7103}";
        String key = UUID.randomUUID().toString();
        String uuid = create(nodes.get(0), key, body, 201);
        assertEquals(uuid, create(nodes.get(1), key, body, 201), "node 2 answers the uuid node 1 made");
        assertEquals(List.of(uuid), uuidsNamed(nodes.get(1), "clustered"), "one load balancer in the cluster");
        assertEquals(List.of(uuid), uuidsNamed(nodes.get(0), "clustered"));
        assertTrue(create(nodes.get(1), key, "{\"name\":\"clustered\",\"port\":7104}", 422).contains("different request"));
    }
}
