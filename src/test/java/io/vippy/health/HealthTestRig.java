package io.vippy.health;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vippy.bgp.BgpTopology;
import io.vippy.bgp.Bird;
import io.vippy.netlink.NetworkNamespace;
import io.vippy.testing.EchoConnection;
import io.vippy.testing.Futures;
import io.vippy.testing.NamedEchoServer;
import io.vippy.testing.RootOnly;
import io.vippy.testing.TestNamespace;
import io.vippy.testing.VippyTestEnvironment;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import com.sun.net.httpserver.HttpServer;

/**
 * The rig for a {@code @QuarkusTest} Vippy with real peers and traffic: BIRD (AS 65530) in the ToR namespace,
 * which also hosts the clients and routes the static pool to the node; Vippy (AS 65000) in the node namespace;
 * {@link #BACKENDS} backend namespaces behind it (10.30.i.2, node side 10.30.i.1). Each backend can serve
 * any port: it answers its name ({@code be1}...) and then echoes each line it receives, prefixed with it.
 */
public class HealthTestRig implements QuarkusTestResourceLifecycleManager {
    static final int BACKENDS = 3;
    static final int TIMEOUT_MS = 3000;
    static final String BIRD_CONFIG = """
            log stderr all;
            router id 192.168.100.1;
            protocol device { }
            protocol bgp lb {
              local 192.168.100.1 as 65530;
              neighbor 192.168.100.2 as 65000;
              passive on;
              hold time 9;
              keepalive time 3;
              ipv4 { import all; export none; };
            }
            """;

    private static volatile HealthTestRig running;
    private BgpTopology topology;
    private final List<TestNamespace> backends = new ArrayList<>();
    private final List<ExecutorService> backendThreads = new ArrayList<>();
    private final Map<String, ServerSocket> listeners = new ConcurrentHashMap<>();
    private final Map<String, HttpServer> httpServers = new ConcurrentHashMap<>();
    private ExecutorService clientThreads;
    private Bird bird;
    private Path dataDir;

    static HealthTestRig running() {
        return running;
    }

    @Override
    public Map<String, String> start() {
        if (!RootOnly.isRoot()) {
            throw new IllegalStateException("the health tests need root: they run Vippy, BIRD and backends in namespaces");
        }
        RootOnly.requireTool("bird");
        topology = BgpTopology.create("vhlt");
        topology.tor.exec("ip", "route", "add", "203.0.113.0/24", "via", BgpTopology.LB_IPV4).orThrow();
        for (int i = 1; i <= BACKENDS; i++) {
            TestNamespace backend = TestNamespace.create("vhlt");
            backends.add(backend);
            linkBackend(i);
            backendThreads.add(Executors.newCachedThreadPool(NetworkNamespace.named(backend.name()).threadFactory("be" + i)));
        }
        clientThreads = Executors.newFixedThreadPool(8, NetworkNamespace.named(topology.tor.name()).threadFactory("client"));
        bird = new Bird(topology, topology.tor, "bird", BIRD_CONFIG);
        try {
            dataDir = Files.createTempDirectory("vhlt-data");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        running = this;
        return Map.of(
                "vippy.netns", topology.lbnode.name(),
                "vippy.data-dir", dataDir.toString(),
                "vippy.dataplane", "nftables",
                "vippy.static.pool", "203.0.113.0/24",
                "vippy.bgp.local-as", "65000",
                "vippy.bgp.router-id", BgpTopology.LB_IPV4,
                "vippy.bgp.peers", BgpTopology.TOR_IPV4 + "@65530",
                "vippy.drain-delay", "4s",
                "vippy.metrics.refresh-interval", "500ms");
    }

    @Override
    public void stop() {
        running = null;
        listeners.values().forEach(HealthTestRig::closeQuietly);
        httpServers.values().forEach(server -> server.stop(0));
        backendThreads.forEach(ExecutorService::shutdownNow);
        if (clientThreads != null) {
            clientThreads.shutdownNow();
        }
        if (bird != null) {
            bird.close();
        }
        backends.forEach(TestNamespace::close);
        if (topology != null) {
            topology.close();
        }
        VippyTestEnvironment.deleteRecursively(dataDir);
    }

    Bird bird() {
        return bird;
    }

    TestNamespace node() {
        return topology.lbnode;
    }

    static String backendIp(int index) {
        return "10.30." + index + ".2";
    }

    /** Links the node ({@code bN}, 10.30.N.1) and backend N ({@code eth0}, 10.30.N.2): at start, and again after {@link #deleteBackendLink}. */
    void linkBackend(int index) {
        topology.lbnode.link(backends.get(index - 1), "b" + index, "10.30." + index + ".1/24", "eth0",
                backendIp(index) + "/24");
    }

    /** The network to backend N going away: its veth deleted, both ends, with their addresses and routes. */
    void deleteBackendLink(int index) {
        topology.lbnode.exec("ip", "link", "del", "b" + index).orThrow();
    }

    /** Starts backend {@code index}'s server on {@code port}; it accepts until {@link #stopServer}. */
    void startServer(int index, int port) {
        String name = "be" + index;
        ExecutorService threads = backendThreads.get(index - 1);
        ServerSocket server = Futures.await(threads.submit(() -> {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(port), 1024);
            return s;
        }));
        listeners.put(name + ":" + port, server);
        threads.submit(() -> NamedEchoServer.acceptLoop(name, server, threads));
    }

    /** Closes the listening socket: new connections are refused, established ones keep being served. */
    void stopServer(int index, int port) {
        closeQuietly(listeners.remove("be" + index + ":" + port));
    }

    /** Starts backend {@code index}'s HTTP server on {@code port}: every GET answers 200 with the backend's name. */
    void startHttpServer(int index, int port) {
        String name = "be" + index;
        ExecutorService threads = backendThreads.get(index - 1);
        HttpServer server = Futures.await(threads.submit(() -> {
            HttpServer s = HttpServer.create(new InetSocketAddress(port), 1024);
            s.createContext("/", exchange -> {
                byte[] body = name.getBytes(StandardCharsets.US_ASCII);
                exchange.sendResponseHeaders(200, body.length);
                try (var out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            s.setExecutor(threads);
            s.start();
            return s;
        }));
        httpServers.put(name + ":" + port, server);
    }

    /** Kills backend {@code index}'s HTTP server: the port closes, new connections are refused. */
    void stopHttpServer(int index, int port) {
        httpServers.remove("be" + index + ":" + port).stop(0);
    }

    /** One HTTP/1.0 GET from the ToR side to {@code vip:port}: the answering backend's name, or "failed: ...". */
    String httpRequest(String vip, int port) {
        return Futures.await(clientThreads.submit(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(vip, port), TIMEOUT_MS);
                socket.setSoTimeout(TIMEOUT_MS);
                socket.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                if (!answer.startsWith("HTTP/1.1 200")) {
                    return "failed: " + answer.lines().findFirst().orElse("no answer");
                }
                return answer.substring(answer.indexOf("\r\n\r\n") + 4);
            } catch (IOException e) {
                return "failed: " + e.getMessage();
            }
        }));
    }

    /** One short connection from the ToR side to {@code vip:port}: the answering backend's name, or "failed: ...". */
    String request(String vip, int port) {
        return Futures.await(requestAsync(vip, port));
    }

    Future<String> requestAsync(String vip, int port) {
        return clientThreads.submit(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(vip, port), TIMEOUT_MS);
                socket.setSoTimeout(TIMEOUT_MS);
                String name = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                        StandardCharsets.US_ASCII)).readLine();
                socket.setSoLinger(true, 0);
                return name == null ? "failed: closed" : name;
            } catch (IOException e) {
                return "failed: " + e.getMessage();
            }
        });
    }
    /** A long-lived connection to the VIP from the client namespace. */
    EchoConnection connect(String vip, int port) {
        return EchoConnection.open(clientThreads, new InetSocketAddress(vip, port), TIMEOUT_MS);
    }



    private static void closeQuietly(AutoCloseable closeable) {
        try {
            if (closeable != null) {
                closeable.close();
            }
        } catch (Exception e) {
            // closing anyway
        }
    }

}
