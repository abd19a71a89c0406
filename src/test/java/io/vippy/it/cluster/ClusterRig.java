package io.vippy.it.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vippy.address.metal.fake.FakeMetalApi;
import io.vippy.address.metal.fake.FakeMetalNeighbors;
import io.vippy.it.RigClient;
import io.vippy.netlink.NetworkNamespace;
import io.vippy.testing.EtcdCluster;
import io.vippy.testing.Futures;
import io.vippy.testing.NamedEchoServer;
import io.vippy.testing.RootOnly;
import io.vippy.testing.Shell;
import io.vippy.testing.TestNamespace;
import io.vippy.testing.VippyProcess;
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
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * N Vippy nodes (the packaged jar), each with its network side in a namespace of its own, all peering eBGP with
 * one FRR ToR that spreads a VIP's traffic over them (ECMP, L4 hash); a client behind the ToR; backends
 * ({@link NamedEchoServer}s, which greet with their name) on one bridge every node reaches. Optionally a real
 * three-member etcd cluster (cluster mode) and the fake Metal API (addresses from Metal instead of the static
 * pool). Closing, or the JVM exiting, removes every process, namespace and file it made.
 *
 * <pre>
 *   client 198.18.0.2 -- 198.18.0.1 tor 10.70.N.1 -- 10.70.N.2 nodeN 10.80.0.1N --+-- bridge (ns bnet) --+-- 10.80.0.2M beM
 * </pre>
 * Vippy's JVMs, their API and their etcd client stay in the root namespace, as {@code vippy.netns} intends.
 */
public final class ClusterRig implements AutoCloseable {
    public static final long NODE_AS = 65000;
    /** Room for the 30 concurrent creates of the cluster tests. */
    public static final String STATIC_POOL = "198.51.100.0/26";
    public static final int BACKEND_PORT = 7000;
    /**
     * vippy.etcd.lease-ttl's default, kept: 3 s let a leader lose its lease while three JVMs started on a loaded
     * 2-core machine. A dead leader is replaced within about this time.
     */
    public static final Duration LEASE_TTL = Duration.ofSeconds(5);
    private static final String CLIENT = "198.18.0.2";
    private static final String CLIENT_GATEWAY = "198.18.0.1";
    private static final int CLIENT_TIMEOUT_MS = 2000;
    private static final String METAL_TOKEN = "cluster-metal-token-" + UUID.randomUUID();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How the rig is built: node count, cluster mode or standalone nodes, Metal or the static pool, BFD. */
    public record Options(int nodes, int backends, boolean cluster, boolean metal, boolean bfd,
            Map<String, String> nodeSettings) {
        /** Nodes that each keep their own SQLite state: the rig's check before cluster mode exists. */
        public static Options standalone(int nodes) {
            return new Options(nodes, 3, false, false, false, Map.of());
        }

        /** Nodes sharing a real three-member etcd cluster. */
        public static Options cluster(int nodes) {
            return new Options(nodes, 3, true, false, false, Map.of());
        }

        public Options withMetal() {
            return new Options(nodes, backends, cluster, true, bfd, nodeSettings);
        }

        public Options withBfd() {
            return new Options(nodes, backends, cluster, metal, true, nodeSettings);
        }

        /** Extra {@code -D} settings for every node. */
        public Options with(Map<String, String> settings) {
            Map<String, String> all = new HashMap<>(nodeSettings);
            all.putAll(settings);
            return new Options(nodes, backends, cluster, metal, bfd, Map.copyOf(all));
        }
    }

    private final Options options;
    private final Path dir;
    private final String prefix = "/vippy-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff)) + "/";
    private final List<TestNamespace> namespaces = new ArrayList<>();
    private final List<TestNamespace> nodeNamespaces = new ArrayList<>();
    private final List<TestNamespace> backendNamespaces = new ArrayList<>();
    private final List<AutoCloseable> sockets = new ArrayList<>();
    private final List<ExecutorService> threads = new ArrayList<>();
    private final VippyProcess[] nodes;
    private final Thread downOnExit = new Thread(this::stopEverything, "cluster-rig-down");
    private TestNamespace tor;
    private TestNamespace client;
    private TorRouter router;
    private ExecutorService clientThreads;
    private EtcdCluster etcd;
    private Vertx vertx;
    private FakeMetalApi metal;

    private ClusterRig(Options options, Path dir) {
        this.options = options;
        this.dir = dir;
        this.nodes = new VippyProcess[options.nodes()];
        Runtime.getRuntime().addShutdownHook(downOnExit);
    }

    /** Builds the rig and starts every node; whatever was built is removed again if a step fails. */
    public static ClusterRig up(Options options) {
        for (String tool : List.of("vtysh", "nft", "ip")) {
            RootOnly.requireTool(tool);
        }
        ClusterRig rig;
        try {
            // Readable by others: FRR's daemons run as frr and keep their sockets under it.
            rig = new ClusterRig(options, Files.createTempDirectory("vippy-cluster",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x"))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            rig.build();
            rig.startAllNodes();
            return rig;
        } catch (RuntimeException | AssertionError e) {
            rig.close();
            throw e;
        } catch (Exception e) {
            rig.close();
            throw new IllegalStateException(e);
        }
    }

    private void build() throws Exception {
        tor = namespace("ctor");
        client = namespace("ccli");
        TestNamespace backendNet = namespace("cbnet");
        tor.exec("sysctl", "-qw", "net.ipv4.ip_forward=1").orThrow();
        // Hash on ports too (L4), so that one client's connections spread over the nodes.
        tor.exec("sysctl", "-qw", "net.ipv4.fib_multipath_hash_policy=1").orThrow();
        tor.link(client, "client", CLIENT_GATEWAY + "/24", "tor", CLIENT + "/24");
        client.exec("ip", "route", "add", "default", "via", CLIENT_GATEWAY).orThrow();
        backendNet.exec("ip", "link", "add", "br0", "type", "bridge").orThrow();
        backendNet.exec("ip", "link", "set", "br0", "up").orThrow();
        List<String> nodeAddresses = new ArrayList<>();
        for (int n = 1; n <= options.nodes(); n++) {
            TestNamespace node = namespace("cn" + n);
            nodeNamespaces.add(node);
            node.exec("sysctl", "-qw", "net.ipv4.ip_forward=1").orThrow();
            tor.link(node, "n" + n, torSide(n) + "/24", "tor", nodeAddress(n) + "/24");
            node.exec("ip", "route", "add", "default", "via", torSide(n)).orThrow();
            bridgeLink(node, "backends", "10.80.0." + (10 + n) + "/24", backendNet, "n" + n);
            nodeAddresses.add(nodeAddress(n));
        }
        for (int m = 1; m <= options.backends(); m++) {
            TestNamespace backend = namespace("cbe" + m);
            backendNamespaces.add(backend);
            bridgeLink(backend, "bridge", backend(m) + "/24", backendNet, "b" + m);
            startBackend("be" + m, backend);
        }
        clientThreads = Executors.newCachedThreadPool(NetworkNamespace.named(client.name()).threadFactory("client"));
        threads.add(clientThreads);
        router = TorRouter.start(tor, dir.resolve("tor"), CLIENT_GATEWAY, nodeAddresses, NODE_AS, options.bfd());
        if (options.cluster()) {
            etcd = EtcdCluster.start();
        }
        if (options.metal()) {
            vertx = Vertx.vertx();
            metal = new FakeMetalApi(vertx, METAL_TOKEN, UUID.randomUUID().toString()).start();
            metal.metadataFor(metal.state().addDevice("cluster-node", List.of(FakeMetalNeighbors.localIpv4())));
        }
    }

    private TestNamespace namespace(String prefix) {
        TestNamespace namespace = TestNamespace.create(prefix);
        namespaces.add(namespace);
        return namespace;
    }

    /** A veth from {@code member} (addressed {@code cidr}) to a port of {@code br0} in {@code bridge}. */
    private static void bridgeLink(TestNamespace member, String ifName, String cidr, TestNamespace bridge, String port) {
        Shell.run("ip", "link", "add", ifName, "netns", member.name(), "type", "veth", "peer", "name", port, "netns",
                bridge.name()).orThrow();
        member.exec("ip", "addr", "add", cidr, "dev", ifName).orThrow();
        member.exec("ip", "link", "set", ifName, "up").orThrow();
        bridge.exec("ip", "link", "set", port, "master", "br0").orThrow();
        bridge.exec("ip", "link", "set", port, "up").orThrow();
    }

    private void startBackend(String name, TestNamespace namespace) {
        ExecutorService serverThreads = Executors.newCachedThreadPool(
                NetworkNamespace.named(namespace.name()).threadFactory(name));
        threads.add(serverThreads);
        ServerSocket server = Futures.await(serverThreads.submit(() -> {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(BACKEND_PORT), 1024);
            return socket;
        }));
        sockets.add(server);
        serverThreads.submit(() -> NamedEchoServer.acceptLoop(name, server, serverThreads));
    }

    static String torSide(int node) {
        return "10.70." + node + ".1";
    }

    public static String nodeAddress(int node) {
        return "10.70." + node + ".2";
    }

    public static String backend(int backend) {
        return "10.80.0." + (20 + backend);
    }

    /** Backend {@code m} (1-based) drops off its network, as a host that dies does; {@link #backendBack} undoes it. */
    public void backendGone(int m) {
        backendNamespaces.get(m - 1).exec("ip", "link", "set", "bridge", "down").orThrow();
    }

    public void backendBack(int m) {
        backendNamespaces.get(m - 1).exec("ip", "link", "set", "bridge", "up").orThrow();
    }

    public List<String> backends() {
        List<String> all = new ArrayList<>();
        for (int m = 1; m <= options.backends(); m++) {
            all.add(backend(m));
        }
        return all;
    }

    public int size() {
        return options.nodes();
    }

    // ---------------------------------------------------------------- nodes

    /** The settings node {@code n} (1-based) starts with. */
    Map<String, String> settings(int n) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("vippy.netns", nodeNamespaces.get(n - 1).name());
        settings.put("vippy.data-dir", dir.resolve("node" + n).toString());
        settings.put("vippy.dataplane", "nftables");
        settings.put("vippy.bgp.peers", torSide(n) + "@" + TorRouter.AS);
        settings.put("vippy.bgp.local-as", Long.toString(NODE_AS));
        settings.put("vippy.bgp.router-id", nodeAddress(n));
        settings.put("vippy.bgp.hold-time", "9");
        if (options.cluster()) {
            settings.put("vippy.store", "etcd");
            settings.put("vippy.etcd.endpoints", etcd.endpoints());
            settings.put("vippy.etcd.prefix", prefix);
            settings.put("vippy.node.name", "node" + n);
        } else {
            settings.put("vippy.store", "sqlite");
        }
        if (options.metal()) {
            settings.put("vippy.provider", "equinix-metal");
            settings.put("packet.auth.token", METAL_TOKEN);
            settings.put("project.id", metal.state().project());
            settings.put("metro", "da");
            settings.put("vippy.metal.api-url", metal.apiUrl().toString());
            settings.put("vippy.metal.metadata-url", metal.metadataUrl().toString());
        } else {
            settings.put("vippy.provider", "static");
            settings.put("vippy.static.pool", STATIC_POOL);
        }
        if (options.bfd()) {
            settings.put("vippy.bfd.enabled", "true");
        }
        settings.putAll(options.nodeSettings());
        return settings;
    }

    /** Starts every node at once (each waits until its API answers). */
    private void startAllNodes() {
        List<CompletableFuture<Void>> starts = new ArrayList<>();
        for (int n = 1; n <= options.nodes(); n++) {
            int node = n;
            starts.add(CompletableFuture.runAsync(() -> startNode(node)));
        }
        starts.forEach(CompletableFuture::join);
    }

    /** Starts node {@code n} (again: with the same data directory and name). */
    public VippyProcess startNode(int n) {
        return startNode(n, Map.of());
    }

    /** As {@link #startNode(int)}, with these settings over the rig's. */
    public VippyProcess startNode(int n, Map<String, String> overrides) {
        try {
            Files.createDirectories(dir.resolve("node" + n));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> settings = settings(n);
        settings.putAll(overrides);
        VippyProcess vippy = VippyProcess.start(settings, dir.resolve("node" + n + ".log"));
        nodes[n - 1] = vippy;
        return vippy;
    }

    /**
     * The whole host of node {@code n} dies, as when its power fails: its kernel drops every packet in and out
     * (so no FIN, no BGP Cease and no forwarding reaches anyone; the links stay up, as a switch port may) and its
     * Vippy is killed with SIGKILL.
     */
    public void killHost(int n) {
        nodeNamespace(n).exec("nft", "add table ip deadhost; "
                + "add chain ip deadhost in { type filter hook prerouting priority -500; policy drop; }; "
                + "add chain ip deadhost out { type filter hook output priority -500; policy drop; }").orThrow();
        node(n).kill();
    }

    /** The host of node {@code n} comes back after {@link #killHost}: its packets flow again; Vippy is not started. */
    public void reviveHost(int n) {
        nodeNamespace(n).exec("nft", "delete table ip deadhost").orThrow();
    }

    public VippyProcess node(int n) {
        return nodes[n - 1];
    }

    public TestNamespace nodeNamespace(int n) {
        return nodeNamespaces.get(n - 1);
    }

    public EtcdCluster etcd() {
        return etcd;
    }

    public FakeMetalApi metal() {
        return metal;
    }

    public TorRouter tor() {
        return router;
    }

    public String nodeLog(int n) {
        try {
            String log = Files.readString(dir.resolve("node" + n + ".log"));
            return log.length() <= 6000 ? log : log.substring(log.length() - 6000);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Everything a failure message needs: the ToR's view, and the end of every node's log. */
    public String diagnostics() {
        StringBuilder text = new StringBuilder("ToR BGP:\n").append(router.vtysh("show bgp ipv4 unicast summary"))
                .append(router.vtysh("show ip route bgp"));
        for (int n = 1; n <= options.nodes(); n++) {
            text.append("\n--- node ").append(n).append(" log ---\n").append(nodeLog(n));
        }
        if (etcd != null) {
            text.append('\n').append(etcd.logs());
        }
        return text.toString();
    }

    // ---------------------------------------------------------------- what the ToR, the kernel and the client see

    /** The ToR kernel route's next hops to this address (node link addresses). */
    public List<String> torNextHops(String address) {
        return router.kernelNextHops(address);
    }

    /**
     * New connections node {@code n}'s kernel sent to this service: the counter of its element in Vippy's
     * nftables services map (the NAT chain sees only a connection's first packet).
     */
    public long connectionsCounted(int n, String address, int port) {
        String map = nodeNamespace(n).exec("nft", "list", "map", "ip", "vippy", "services").output();
        Matcher element = Pattern.compile(Pattern.quote(address) + " \\. tcp \\. " + port
                + " counter packets (\\d+)").matcher(map);
        return element.find() ? Long.parseLong(element.group(1)) : 0;
    }

    /** Where {@link #spread} connections went: new connections per node (kernel counters) and per backend. */
    public record Spread(Map<String, Long> perNode, Map<String, Integer> perBackend, List<Integer> failedSourcePorts) {
        public long counted() {
            return perNode.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** Opens {@code connections} connections one after another, from consecutive source ports. */
    public Spread spread(String address, int port, int connections, int firstSourcePort) {
        long[] before = new long[options.nodes() + 1];
        for (int n = 1; n <= options.nodes(); n++) {
            before[n] = connectionsCounted(n, address, port);
        }
        Map<String, Integer> perBackend = new TreeMap<>();
        List<Integer> failed = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            String backend = request(address, port, firstSourcePort + i);
            if (backend == null) {
                failed.add(firstSourcePort + i);
            } else {
                perBackend.merge(backend, 1, Integer::sum);
            }
        }
        Map<String, Long> perNode = new TreeMap<>();
        for (int n = 1; n <= options.nodes(); n++) {
            perNode.put("node" + n, connectionsCounted(n, address, port) - before[n]);
        }
        return new Spread(perNode, perBackend, failed);
    }

    /**
     * Node {@code n}'s backend table for this TCP service as its kernel holds it: the services map's verdict (which
     * selector) and every slot of the backends map with the backend it leads to, in slot order.
     */
    public List<String> backendTable(int n, String address, int port) {
        String key = Pattern.quote(address) + " \\. tcp \\. " + port;
        List<String> table = new ArrayList<>();
        Matcher verdict = Pattern.compile(key + " (?:counter packets \\d+ bytes \\d+ )?: (goto [\\w-]+)")
                .matcher(nodeNamespace(n).exec("nft", "list", "map", "ip", "vippy", "services").orThrow());
        table.add(verdict.find() ? verdict.group(1) : "no service");
        Matcher slot = Pattern.compile(key + " \\. (\\d+) (?:counter packets \\d+ bytes \\d+ )?: ([\\d.]+ \\. \\d+)")
                .matcher(nodeNamespace(n).exec("nft", "list", "map", "ip", "vippy", "backends").orThrow());
        TreeMap<Integer, String> slots = new TreeMap<>();
        while (slot.find()) {
            slots.put(Integer.parseInt(slot.group(1)), slot.group(2));
        }
        slots.forEach((index, backend) -> table.add(index + " " + backend));
        return table;
    }

    /**
     * From now on the ToR records which node it forwards each client TCP flow from these source ports to; see
     * {@link #nodesCarrying}.
     */
    public void recordFlows(int firstSourcePort, int lastSourcePort) {
        router.recordFlows(CLIENT, firstSourcePort, lastSourcePort);
    }

    /** Per recorded source port, every node (1-based) the ToR has forwarded a packet of that flow to. */
    public Map<Integer, Set<Integer>> nodesCarrying() {
        return router.flowsSeen();
    }

    /** Whether node {@code n}'s nftables services map holds this TCP service. */
    public boolean kernelServes(int n, String address, int port) {
        String map = nodeNamespace(n).exec("nft", "list", "map", "ip", "vippy", "services").output();
        return map.contains(address + " . tcp . " + port + " ");
    }

    /** The leader as node {@code n}'s {@code GET /cluster/nodes} names it (1-based), if one is alive. */
    public Optional<Integer> leaderSeenBy(int n) {
        var response = node(n).send("GET", "/cluster/nodes", null);
        if (response.statusCode() != 200) {
            return Optional.empty();
        }
        for (JsonNode node : json(response.body())) {
            if (node.path("leader").asBoolean() && node.path("alive").asBoolean()) {
                return Optional.of(Integer.parseInt(node.path("name").asText().substring("node".length())));
            }
        }
        return Optional.empty();
    }

    /** The sum over every series of this Prometheus metric on node {@code n} (0 when absent). */
    public double metric(int n, String name) {
        var response = node(n).send("GET", "/q/metrics", null);
        double sum = 0;
        for (String line : response.body().split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /**
     * One connection from the client from this source port: the name of the backend that greeted it, or null
     * when it failed within 2 s. The socket is reset on close, so the port can be used again at once.
     */
    public String request(String address, int port, int sourcePort) {
        try {
            return Futures.await(requestAsync(address, port, sourcePort, CLIENT_TIMEOUT_MS));
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** As {@link #request}, on a client thread, giving up after {@code timeoutMs} to connect and to read. */
    public Future<String> requestAsync(String address, int port, int sourcePort, int timeoutMs) {
        return clientThreads.submit(() -> {
            try (Socket socket = new Socket()) {
                socket.setReuseAddress(true);
                if (sourcePort > 0) {
                    socket.bind(new InetSocketAddress(sourcePort));
                }
                socket.connect(new InetSocketAddress(address, port), timeoutMs);
                socket.setSoTimeout(timeoutMs);
                String name = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                        StandardCharsets.US_ASCII)).readLine();
                socket.setSoLinger(true, 0);
                return name;
            } catch (IOException e) {
                return null;
            }
        });
    }

    public ExecutorService clientThreads() {
        return clientThreads;
    }

    // ---------------------------------------------------------------- the API

    /** A call on node {@code n} that must answer with this status; returns the body as JSON. */
    public JsonNode expect(int n, int status, String method, String path, String body) {
        var response = node(n).send(method, path, body);
        if (response.statusCode() != status) {
            throw new AssertionError("node " + n + ": " + method + " " + path + " answered " + response.statusCode()
                    + " " + response.body());
        }
        return json(response.body());
    }

    /** Creates a load balancer on node {@code n} with every backend of the rig; returns it. */
    public JsonNode createWithBackends(int n, String name, int port) {
        JsonNode created = expect(n, 201, "POST", "/loadbalancer", "{\"name\":\"" + name + "\",\"port\":" + port + "}");
        String uuid = created.get("uuid").asText();
        for (String backend : backends()) {
            expect(n, 201, "POST", "/loadbalancer/" + uuid + "/backend",
                    "{\"ip\":\"" + backend + "\",\"port\":" + BACKEND_PORT + "}");
        }
        return created;
    }

    /** The load balancer as node {@code n} shows it, or null when it answers 404. */
    public JsonNode loadBalancer(int n, String uuid) {
        var response = node(n).send("GET", "/loadbalancer/" + uuid, null);
        return response.statusCode() == 404 ? null : json(response.body());
    }

    public boolean isActive(int n, String uuid) {
        JsonNode lb = loadBalancer(n, uuid);
        return lb != null && "ACTIVE".equals(lb.path("status").asText());
    }

    /** Waits until node {@code n} shows the load balancer ACTIVE; returns its address. */
    public String awaitActive(int n, String uuid, Duration atMost) {
        await("load balancer " + uuid + " ACTIVE on node " + n, atMost, () -> isActive(n, uuid), this::diagnostics);
        return loadBalancer(n, uuid).get("eip").asText();
    }

    public static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + text, e);
        }
    }

    /** As {@link RigClient#awaitCondition}: polls, and on timeout fails with what {@code context} tells. */
    public static void await(String what, Duration atMost, Callable<Boolean> condition, Callable<String> context) {
        RigClient.awaitCondition(what, atMost, condition, context);
    }

    // ---------------------------------------------------------------- teardown

    private void stopEverything() {
        for (VippyProcess node : nodes) {
            if (node != null) {
                node.close();
            }
        }
        if (router != null) {
            router.close();
        }
        if (etcd != null) {
            etcd.close();
        }
        for (AutoCloseable socket : sockets) {
            try {
                socket.close();
            } catch (Exception e) {
                // closing anyway
            }
        }
        threads.forEach(ExecutorService::shutdownNow);
        for (int i = namespaces.size() - 1; i >= 0; i--) {
            namespaces.get(i).close();
        }
        VippyTestEnvironment.deleteRecursively(dir);
    }

    @Override
    public void close() {
        stopEverything();
        try {
            Runtime.getRuntime().removeShutdownHook(downOnExit);
        } catch (IllegalStateException e) {
            // already shutting down
        }
        if (vertx != null) {
            try {
                if (metal != null) {
                    metal.close();
                }
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("could not stop the fake Metal API", e);
            }
        }
    }
}
