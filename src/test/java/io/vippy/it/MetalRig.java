package io.vippy.it;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vippy.address.metal.fake.FakeMetalApi;
import io.vippy.address.metal.fake.FakeMetalNeighbors;
import io.vippy.testing.RootOnly;
import io.vippy.testing.Shell;
import io.vippy.testing.VippyProcess;
import io.vippy.testing.VippyTestEnvironment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A miniature Equinix Metal: the namespaces, ToR BIRDs and backends of {@code src/test/e2e/rig.sh}, the fake
 * Metal API in this JVM (one device whose metadata and BGP neighbours point at the rig's routers), and the
 * packaged Vippy started as a user would, its network side in the node namespace. Closing removes all of it.
 */
final class MetalRig implements AutoCloseable {
    static final Path SCRIPT = Path.of("src/test/e2e/rig.sh");
    static final Path STATIC_POOL_EXAMPLE = Path.of("deploy/static-pool.env.example");
    /** rig.sh builds what the fake's neighbour entry describes: our address on the ToR link, routers, password. */
    private static final JsonObject NEIGHBORS = FakeMetalNeighbors.localIpv4();
    static final String NODE_LINK = NEIGHBORS.getString("customer_ip");
    static final List<String> ROUTERS = NEIGHBORS.getJsonArray("peer_ips").stream().map(String::valueOf).toList();
    static final String MD5_PASSWORD = NEIGHBORS.getString("md5_password");
    static final List<String> BACKENDS = List.of("10.10.1.2", "10.10.2.2", "10.10.3.2");
    static final int BACKEND_PORT = 8080;
    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(60);
    private static final String METAL_TOKEN = "e2e-metal-token-" + UUID.randomUUID();

    final String name;
    final Path dir;
    final FakeMetalApi metal;
    private final Vertx vertx;
    private final Path dataDir;
    private final Path log;
    /** Tears the rig down even when the test JVM is stopped (a build timeout, Ctrl-C) before close(). */
    private final Thread downOnExit;
    private volatile VippyProcess vippy;

    private MetalRig(String name, Vertx vertx, FakeMetalApi metal, Path dataDir, Path log) {
        this.name = name;
        this.dir = Path.of(System.getenv().getOrDefault("TMPDIR", "/tmp"), name); // where rig.sh keeps its files
        this.vertx = vertx;
        this.metal = metal;
        this.dataDir = dataDir;
        this.log = log;
        this.downOnExit = new Thread(this::stopEverything, "rig-down");
        Runtime.getRuntime().addShutdownHook(downOnExit);
    }

    /** Builds the rig; whatever was built is torn down again if a step fails. */
    static MetalRig up() throws Exception {
        for (String tool : List.of("bird", "birdc", "curl", "python3", "jq", "nft")) {
            RootOnly.requireTool(tool);
        }
        String name = "ve2e-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
        Vertx vertx = Vertx.vertx();
        MetalRig rig = null;
        try {
            FakeMetalApi metal = new FakeMetalApi(vertx, METAL_TOKEN, UUID.randomUUID().toString()).start();
            metal.metadataFor(metal.state().addDevice("e2e-node", List.of(FakeMetalNeighbors.localIpv4())));
            rig = new MetalRig(name, vertx, metal, Files.createTempDirectory("vippy-e2e"),
                    Files.createTempFile("vippy-e2e", ".log"));
            rig.script("up");
            return rig;
        } catch (Exception | AssertionError e) {
            if (rig != null) {
                rig.close();
            } else {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
            throw e;
        }
    }

    String namespace(String role) {
        return name + "-" + role;
    }

    Shell.Result script(String action) {
        Shell.Result result = Shell.run(SCRIPT_TIMEOUT, SCRIPT.toString(), action, name);
        if (!result.ok()) {
            throw new AssertionError("rig.sh " + action + " failed:\n" + result.output());
        }
        return result;
    }

    /** Runs a command in one of the rig's namespaces: tor, node, client, be1..3. */
    Shell.Result in(String role, String... command) {
        return in(Shell.DEFAULT_TIMEOUT, role, command);
    }

    Shell.Result in(Duration timeout, String role, String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace(role)));
        full.addAll(List.of(command));
        return Shell.run(timeout, full.toArray(String[]::new));
    }

    /** The packaged jar with the Metal provider, pointed at the fake; the same data directory every time. */
    VippyProcess startVippy() {
        vippy = VippyProcess.start(Map.of(
                "vippy.netns", namespace("node"),
                "vippy.data-dir", dataDir.toString(),
                "vippy.provider", "equinix-metal",
                "vippy.dataplane", "nftables",
                "packet.auth.token", METAL_TOKEN,
                "project.id", metal.state().project(),
                "metro", "da",
                "vippy.metal.api-url", metal.apiUrl().toString(),
                "vippy.metal.metadata-url", metal.metadataUrl().toString()), log);
        return vippy;
    }

    /**
     * {@code deploy/static-pool.env.example} with what differs per site filled in for this rig: its routers,
     * password and our address on the ToR link. For a Vippy in the node namespace, started as the unit or the
     * container image runs it.
     */
    static Map<String, String> staticPoolEnvironment() throws IOException {
        Map<String, String> environment = new LinkedHashMap<>();
        for (String line : Files.readAllLines(STATIC_POOL_EXAMPLE)) {
            if (!line.startsWith("#") && line.contains("=")) {
                environment.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
            }
        }
        if (!"static".equals(environment.get("VIPPY_PROVIDER"))) {
            throw new AssertionError(STATIC_POOL_EXAMPLE + " does not set VIPPY_PROVIDER=static: " + environment);
        }
        environment.put("VIPPY_BGP_ROUTER_ID", NODE_LINK);
        environment.put("VIPPY_BGP_PEERS", String.join(",", ROUTERS.stream().map(r -> r + "@65530").toList()));
        environment.put("VIPPY_BGP_PASSWORD", MD5_PASSWORD);
        environment.put("VIPPY_BGP_MULTIHOP", "5");
        environment.put("VIPPY_API_TOKEN", VippyTestEnvironment.TOKEN);
        return environment;
    }

    VippyProcess vippy() {
        return vippy;
    }

    String vippyLog() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** The ToR's kernel routes to this address (what BIRD installed), one per line. */
    String torRoutes(String address) {
        return in("tor", "ip", "route", "show", address + "/32").orThrow().trim();
    }

    String birdc(int router, String command) {
        return Shell.run("birdc", "-s", dir.resolve("tor" + router + ".ctl").toString(), command).output();
    }

    boolean bothSessionsEstablished() {
        return birdc(1, "show protocols metal").contains("Established")
                && birdc(2, "show protocols metal").contains("Established");
    }

    /** One HTTP GET from the client namespace, at most 2 s: the body, or null when it failed. */
    String clientGet(String address, int port, String path) {
        Shell.Result result = in("client", "curl", "-sf", "--max-time", "2", "http://" + address + ":" + port + path);
        return result.ok() ? result.output().trim() : null;
    }

    /** Vippy (its process lives outside the namespaces), then everything rig.sh started. */
    private void stopEverything() {
        VippyProcess running = vippy;
        if (running != null) {
            running.close();
        }
        Shell.run(SCRIPT_TIMEOUT, SCRIPT.toString(), "down", name);
    }

    @Override
    public void close() {
        stopEverything();
        Runtime.getRuntime().removeShutdownHook(downOnExit);
        try {
            metal.close();
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not stop the fake Metal API", e);
        } finally {
            VippyTestEnvironment.deleteRecursively(dataDir);
            try {
                Files.deleteIfExists(log);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
