package io.vippy.health;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vippy.netlink.NetworkNamespace;
import io.vippy.testing.RootOnly;
import io.vippy.testing.TestNamespace;
import io.vippy.testing.VippyProcess;
import io.vippy.testing.VippyTestEnvironment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Two packaged Vippys side by side, each in its own namespace, with the same load balancers and backends: A checks
 * its backends by TCP every second, B has checks off ({@code "type": "none"}). The backends are listeners in one
 * namespace (one NIO thread accepts and closes). Measured: process CPU time of A and B over the same window with
 * 1,000 and then 5,000 backends, and, on A, the time from a backend's death to its removal as clients see it.
 * Not part of the test suite (the name does not end in Test); bench/health/run.sh runs it.
 */
class HealthCheckBenchmark {
    private static final int BACKENDS_PER_LB = 500;
    private static final int FIRST_PORT = 20000;
    private static final int DEATH_PORT = 30000;
    private static final long WINDOW_SECONDS = Long.getLong("health.bench.window", 30);
    private static final int DEATH_ROUNDS = Integer.getInteger("health.bench.rounds", 5);
    private static final long CLOCK_TICKS = 100;

    private final ObjectMapper json = new ObjectMapper();
    private final Map<Integer, ServerSocketChannel> listeners = new ConcurrentHashMap<>();
    private volatile Selector selector;

    @Test
    void checkingCostAndDeathToRemoval() throws Exception {
        RootOnly.assumeRoot();
        Path dir = Files.createTempDirectory("vhlt-bench");
        List<AutoCloseable> open = new ArrayList<>();
        try (TestNamespace backends = TestNamespace.create("vhlt-be"); TestNamespace nodeA = TestNamespace.create("vhlt-a");
                TestNamespace nodeB = TestNamespace.create("vhlt-b"); TestNamespace client = TestNamespace.create("vhlt-cl")) {
            nodeA.link(backends, "ba", "10.40.1.1/24", "ea", "10.40.1.2/24");
            nodeB.link(backends, "bb", "10.40.2.1/24", "eb", "10.40.2.2/24");
            client.link(nodeA, "c0", "10.50.0.2/24", "ca", "10.50.0.1/24");
            client.exec("ip", "route", "add", "203.0.113.0/24", "via", "10.50.0.1").orThrow();
            // Two threads in the backends' namespace: one opens listeners, one accepts on all of them.
            ExecutorService opener = Executors.newSingleThreadExecutor(
                    NetworkNamespace.named(backends.name()).threadFactory("bench-open"));
            ExecutorService acceptor = Executors.newSingleThreadExecutor(
                    NetworkNamespace.named(backends.name()).threadFactory("bench-accept"));
            open.add(opener::shutdownNow);
            open.add(acceptor::shutdownNow);
            selector = Selector.open();
            List<Integer> ports = IntStream.range(FIRST_PORT, FIRST_PORT + BACKENDS_PER_LB).boxed().toList();
            opener.submit(() -> openListeners(ports)).get(30, TimeUnit.SECONDS);
            acceptor.submit(this::acceptForever);
            VippyProcess a = start(nodeA, dir.resolve("a"));
            open.add(a);
            VippyProcess b = start(nodeB, dir.resolve("b"));
            open.add(b);

            for (int round = 0, lbs = 0; round < 2; round++) {
                int wanted = round == 0 ? 2 : 10;
                for (; lbs < wanted; lbs++) {
                    addLoadBalancer(a, 8000 + lbs, "10.40.1.2", "{\"type\":\"tcp\"}");
                    addLoadBalancer(b, 8000 + lbs, "10.40.2.2", "{\"type\":\"none\"}");
                }
                awaitAllHealthy(a, wanted * BACKENDS_PER_LB);
                measureCpu(a, b, wanted * BACKENDS_PER_LB);
            }
            measureDeathToRemoval(a, client, opener);
        } finally {
            for (AutoCloseable closeable : open) {
                closeable.close();
            }
            if (selector != null) {
                selector.close();
            }
            VippyTestEnvironment.deleteRecursively(dir);
        }
    }

    private static VippyProcess start(TestNamespace node, Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        return VippyProcess.start(Map.of("vippy.netns", node.name(), "vippy.data-dir", dataDir.toString(),
                "vippy.dataplane", "nftables", "vippy.bgp.enabled", "false", "vippy.static.pool", "203.0.113.0/24"),
                dataDir.resolve("vippy.log"));
    }

    private String addLoadBalancer(VippyProcess vippy, int port, String backendIp, String healthCheck) throws Exception {
        String uuid = body(vippy.send("POST", "/loadbalancer", "{\"name\":\"bench-" + port + "\",\"port\":" + port
                + ",\"healthCheck\":" + healthCheck + "}"), 201).get("uuid").asText();
        ExecutorService posters = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> posts = new ArrayList<>();
            for (int i = 0; i < BACKENDS_PER_LB; i++) {
                int backendPort = FIRST_PORT + i;
                posts.add(posters.submit(() -> body(vippy.send("POST", "/loadbalancer/" + uuid + "/backend",
                        "{\"ip\":\"" + backendIp + "\",\"port\":" + backendPort + "}"), 201)));
            }
            for (Future<?> post : posts) {
                post.get(60, TimeUnit.SECONDS);
            }
        } finally {
            posters.shutdown();
        }
        return uuid;
    }

    private JsonNode body(HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            throw new AssertionError("expected " + status + ", got " + response.statusCode() + ": " + response.body());
        }
        try {
            return json.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitAllHealthy(VippyProcess vippy, int backends) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        long healthy = 0;
        while (System.nanoTime() < deadline) {
            healthy = 0;
            for (JsonNode lb : body(vippy.send("GET", "/loadbalancers", null), 200)) {
                for (JsonNode backend : lb.path("backends")) {
                    healthy += "healthy".equals(backend.get("health").asText()) ? 1 : 0;
                }
            }
            if (healthy == backends) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("only " + healthy + " of " + backends + " backends became healthy");
    }

    private void measureCpu(VippyProcess checking, VippyProcess idle, int backends) throws Exception {
        Thread.sleep(3000);
        long checkingBefore = cpuTicks(checking.pid());
        long idleBefore = cpuTicks(idle.pid());
        long started = System.nanoTime();
        Thread.sleep(TimeUnit.SECONDS.toMillis(WINDOW_SECONDS));
        double seconds = (System.nanoTime() - started) / 1e9;
        double checkingCpu = (cpuTicks(checking.pid()) - checkingBefore) / (double) CLOCK_TICKS;
        double idleCpu = (cpuTicks(idle.pid()) - idleBefore) / (double) CLOCK_TICKS;
        System.out.printf("HEALTH-BENCH cpu backends=%d window=%.1fs checking=%.2fs (%.1f%% of a core, %s threads)"
                        + " idle=%.2fs (%.1f%%, %s threads) extra=%.2fs ratio=%.2f%n",
                backends, seconds, checkingCpu, 100 * checkingCpu / seconds, threads(checking.pid()), idleCpu,
                100 * idleCpu / seconds, threads(idle.pid()), checkingCpu - idleCpu, checkingCpu / Math.max(idleCpu, 0.01));
    }

    /** utime + stime of the whole process, in clock ticks. */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static String threads(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                .filter(line -> line.startsWith("Threads:")).map(line -> line.substring(8).trim()).findFirst().orElse("?");
    }

    /**
     * One load balancer with three backends, checked with the contract's default (TCP every 1 s, fall 3): kill one
     * listener at a random point of the check interval and connect through the VIP every 10 ms; removal is the last
     * refused connection. Then revive it.
     */
    private void measureDeathToRemoval(VippyProcess vippy, TestNamespace client, ExecutorService opener) throws Exception {
        List<Integer> ports = List.of(DEATH_PORT, DEATH_PORT + 1, DEATH_PORT + 2);
        opener.submit(() -> openListeners(ports)).get(10, TimeUnit.SECONDS);
        JsonNode lb = body(vippy.send("POST", "/loadbalancer", "{\"name\":\"death\",\"port\":7000}"), 201);
        String uuid = lb.get("uuid").asText();
        for (int port : ports) {
            body(vippy.send("POST", "/loadbalancer/" + uuid + "/backend", "{\"ip\":\"10.40.1.2\",\"port\":" + port + "}"), 201);
        }
        ExecutorService clientThread = Executors.newSingleThreadExecutor(
                NetworkNamespace.named(client.name()).threadFactory("bench-client"));
        try {
            for (int round = 0; round < DEATH_ROUNDS; round++) {
                awaitHealth(vippy, uuid, DEATH_PORT, "healthy");
                String vip = body(vippy.send("GET", "/loadbalancer/" + uuid, null), 200).get("eip").asText();
                // Health is seen right after a check; kill at a random point of the interval instead.
                Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(1000));
                long killed = System.nanoTime();
                listeners.remove(DEATH_PORT).close();
                Future<Long> lastRefusedMs = clientThread.submit(() -> lastRefusal(vip, killed));
                long unhealthyMs = awaitHealth(vippy, uuid, DEATH_PORT, "unhealthy") - killed;
                System.out.printf("HEALTH-BENCH death round=%d api_unhealthy_ms=%d last_refused_connection_ms=%d%n",
                        round, TimeUnit.NANOSECONDS.toMillis(unhealthyMs), lastRefusedMs.get(30, TimeUnit.SECONDS));
                opener.submit(() -> openListeners(List.of(DEATH_PORT))).get(10, TimeUnit.SECONDS);
            }
        } finally {
            clientThread.shutdownNow();
        }
    }

    /** Connects every 10 ms for 6 s; the time after {@code since} of the last connection that was refused. */
    private static long lastRefusal(String vip, long since) {
        long last = -1;
        long end = since + TimeUnit.SECONDS.toNanos(6);
        while (System.nanoTime() < end) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(vip, 7000), 500);
                socket.setSoLinger(true, 0);
            } catch (IOException refused) {
                last = System.nanoTime();
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return last < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(last - since);
    }

    private long awaitHealth(VippyProcess vippy, String uuid, int port, String health) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            for (JsonNode backend : body(vippy.send("GET", "/loadbalancer/" + uuid, null), 200).path("backends")) {
                if (backend.get("port").asInt() == port && health.equals(backend.get("health").asText())) {
                    return System.nanoTime();
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("backend port " + port + " not " + health + " within 30 s");
    }

    /** On a thread in the backends' namespace; the accept loop registers them within 100 ms. */
    private Void openListeners(List<Integer> ports) throws IOException {
        for (int port : ports) {
            ServerSocketChannel channel = ServerSocketChannel.open();
            channel.setOption(java.net.StandardSocketOptions.SO_REUSEADDR, true);
            channel.bind(new InetSocketAddress(port), 4096);
            channel.configureBlocking(false);
            listeners.put(port, channel);
        }
        return null;
    }

    /** Accepts and closes every connection, on all listeners, on one thread. */
    private void acceptForever() {
        try {
            while (selector.isOpen()) {
                listeners.values().stream().filter(c -> c.isOpen() && c.keyFor(selector) == null).forEach(c -> {
                    try {
                        c.register(selector, SelectionKey.OP_ACCEPT);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) {
                    SocketChannel accepted = key.isValid() ? ((ServerSocketChannel) key.channel()).accept() : null;
                    if (accepted != null) {
                        accepted.close();
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException | RuntimeException e) {
            // the selector was closed: the benchmark is over
        }
    }
}
