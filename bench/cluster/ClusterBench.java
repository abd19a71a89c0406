import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.vippy.api.grpc.v1.LoadBalancerEvent;
import io.vippy.api.grpc.v1.LoadBalancerServiceGrpc;
import io.vippy.api.grpc.v1.WatchLoadBalancersRequest;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cluster benchmarks of issue 10, on a 3-member etcd (Debian's etcd-server) on loopback and packaged Vippy nodes,
 * each node with its network side in a namespace of its own, its API on 127.0.0.1, BGP off, auth off, and the
 * deployed JVM options (deploy/vippy.service). Every process started here is written to WORK/pids and every
 * namespace to WORK/netns, so bench/cluster/run.sh can clean up whatever happens to this JVM.
 *
 * Run (root, repository root, after ./mvnw -B package -DskipTests), through bench/cluster/run.sh:
 *   java -cp 'target/quarkus-app/lib/boot/*:target/quarkus-app/lib/main/*:target/quarkus-app/app/*' bench/cluster/ClusterBench.java WORK MODE ARGS
 * MODE: propagation ROUNDS | create COUNT CLIENTS | startup COUNT
 */
public class ClusterBench {
    static final List<String> DEPLOYED_JVM_OPTIONS = List.of("-XX:SharedArchiveFile=app-cds.jsa", "-XX:+UseSerialGC",
            "-Xms16m", "-Xmx256m", "-XX:MaxHeapFreeRatio=40", "-XX:MinHeapFreeRatio=10", "-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError");
    static final String POOL = "198.18.0.0/16";
    static final Path APP = Path.of("target/quarkus-app").toAbsolutePath();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final Pattern UUID_FIELD = Pattern.compile("\"uuid\"\\s*:\\s*\"([0-9a-f-]{36})\"");
    static final Pattern EIP_FIELD = Pattern.compile("\"eip\"\\s*:\\s*\"([0-9.]+)\"");
    static final Pattern STATUS_FIELD = Pattern.compile("\"status\"\\s*:\\s*\"([A-Z]+)\"");
    static final Pattern ACTIVE = Pattern.compile("\"status\"\\s*:\\s*\"ACTIVE\"");

    static Path work;
    static final List<Process> processes = new ArrayList<>();
    static final List<String> namespaces = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        work = Path.of(args[0]);
        String mode = args[1];
        boolean failed = false;
        try {
            System.out.printf("# %s, %s, load average at start: %s%n", mode, Instant.now(), loadAverage());
            switch (mode) {
                case "propagation" -> propagation(Integer.parseInt(args[2]));
                case "create" -> create(Integer.parseInt(args[2]), Integer.parseInt(args[3]));
                case "startup" -> startup(Integer.parseInt(args[2]));
                default -> throw new IllegalArgumentException("unknown mode " + mode);
            }
            System.out.printf("load average at end: %s%n", loadAverage());
        } catch (Exception e) {
            e.printStackTrace();
            failed = true;
        } finally {
            cleanUp();
        }
        // Pollers and the gRPC channel may still hold threads: end here, whatever they do.
        System.exit(failed ? 1 : 0);
    }

    // ---- 1. create on one node -> ACTIVE (API) and programmed (nftables) on all three; -> another node's watch

    static void propagation(int rounds) throws Exception {
        List<String> etcd = startEtcd();
        List<Node> nodes = startNodes(etcd, "node1", "node2", "node3");
        Node writer = nodes.get(0);
        System.out.printf("nodes: %s; leader: %s%n", nodes.stream().map(n -> n.name).toList(), leader(writer));
        Map<String, Long> seenOnWatch = new ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", nodes.get(1).port).usePlaintext().build();
        try {
            LoadBalancerServiceGrpc.newStub(channel).watchLoadBalancers(WatchLoadBalancersRequest.getDefaultInstance(),
                    new StreamObserver<>() {
                        public void onNext(LoadBalancerEvent event) {
                            if (event.getType() == LoadBalancerEvent.Type.UPSERTED) {
                                seenOnWatch.putIfAbsent(event.getLoadBalancer().getName(), System.nanoTime());
                            }
                        }

                        public void onError(Throwable t) {
                            if (!done.get()) {
                                System.out.println("watch on node2 ended early: " + t);
                            }
                        }

                        public void onCompleted() {
                        }
                    });
            ExecutorService pollers = Executors.newFixedThreadPool(nodes.size());
            int warmUp = 3;
            double[] answered = new double[rounds], watched = new double[rounds], activeAll = new double[rounds],
                    kernelAll = new double[rounds];
            double[][] activePer = new double[nodes.size()][rounds];
            for (int round = -warmUp; round < rounds; round++) {
                String name = "prop-" + (round + warmUp);
                long t0 = System.nanoTime();
                String created = writer.send("POST", "/loadbalancer", "{\"name\":\"" + name + "\",\"port\":" + (3000 + round + warmUp) + "}", 201);
                long tAnswer = System.nanoTime();
                String uuid = field(UUID_FIELD, created);
                List<Future<long[]>> perNode = new ArrayList<>();
                for (Node node : nodes) {
                    perNode.add(pollers.submit(() -> node.awaitActiveAndProgrammed(uuid)));
                }
                long[][] times = new long[nodes.size()][];
                for (int n = 0; n < nodes.size(); n++) {
                    times[n] = perNode.get(n).get(30, TimeUnit.SECONDS);
                }
                long watchDeadline = System.nanoTime() + 10_000_000_000L;
                while (!seenOnWatch.containsKey(name) && System.nanoTime() < watchDeadline) {
                    Thread.sleep(5);
                }
                if (round < 0) {
                    continue;
                }
                answered[round] = ms(tAnswer - t0);
                Long seen = seenOnWatch.get(name);
                watched[round] = seen == null ? Double.NaN : ms(seen - t0);
                for (int n = 0; n < nodes.size(); n++) {
                    activePer[n][round] = ms(times[n][0] - t0);
                    activeAll[round] = Math.max(activeAll[round], ms(times[n][0] - t0));
                    kernelAll[round] = Math.max(kernelAll[round], ms(times[n][1] - t0));
                }
                Thread.sleep(200);
            }
            pollers.shutdownNow();
            System.out.printf("%d rounds after %d warm-up rounds; creates on %s (REST), watch on node2 (gRPC); "
                    + "API polled every 5 ms per node, nftables polled with one `nft list map` per check%n", rounds, warmUp, writer.name);
            System.out.printf("| measure (ms from just before POST on node1) | median | p90 | p99 | max |%n|---|---|---|---|---|%n");
            row("POST answered (201) on node1", answered);
            row("UPSERTED on node2's WatchLoadBalancers stream", watched);
            for (int n = 0; n < nodes.size(); n++) {
                row("ACTIVE in the API of " + nodes.get(n).name, activePer[n]);
            }
            row("ACTIVE in the API of all three", activeAll);
            row("in the nftables services map of all three", kernelAll);
            printFsync(etcd);
            for (Node node : nodes) {
                node.printReconcileSteps();
            }
        } finally {
            done.set(true);
            channel.shutdownNow();
        }
    }

    // ---- 2. creates with the etcd store (3-member etcd, 3 nodes) vs the SQLite store, interleaved in one run

    static void create(int count, int clients) throws Exception {
        List<String> etcd = startEtcd();
        List<Node> cluster = startNodes(etcd, "node1", "node2", "node3");
        Node sqlite = Node.start("solo", null);
        Node clustered = cluster.get(0);
        System.out.printf("creates go to %s of the cluster (leader: %s) and to one SQLite node%n", clustered.name, leader(clustered));
        int blocks = 4;
        int perBlock = count / blocks;
        List<Double> etcdMs = new ArrayList<>(), sqliteMs = new ArrayList<>(), rawMs = new ArrayList<>();
        try (Client client = Client.builder().endpoints(etcd.toArray(String[]::new)).build()) {
            KV kv = client.getKVClient();
            // Interleaved blocks, so all three see the same moments of this machine's load.
            for (int block = 0; block < blocks; block++) {
                sqliteMs.addAll(sequential(sqlite, "seq-" + block, perBlock, 4000 + block * perBlock));
                etcdMs.addAll(sequential(clustered, "seq-" + block, perBlock, 4000 + block * perBlock));
                rawMs.addAll(rawPuts(kv, "seq-" + block, perBlock));
            }
        }
        double[] etcdRate = new double[2], sqliteRate = new double[2];
        for (int round = 0; round < 2; round++) {
            sqliteRate[round] = concurrent(sqlite, "burst-" + round, clients, count / 2, 20000 + round * count);
            etcdRate[round] = concurrent(clustered, "burst-" + round, clients, count / 2, 20000 + round * count);
        }
        double[] e = sorted(etcdMs), s = sorted(sqliteMs), r = sorted(rawMs);
        System.out.printf("%d sequential creates per store (in %d interleaved blocks), then 2 x %d creates from %d concurrent clients per store%n",
                e.length, blocks, count / 2, clients);
        System.out.printf("| store | create p50 ms | p90 | p99 | max | creates/s, %d clients (2 rounds) |%n|---|---|---|---|---|---|%n", clients);
        System.out.printf("| SQLite (one node) | %.2f | %.2f | %.2f | %.2f | %.0f, %.0f |%n", pct(s, .5), pct(s, .9), pct(s, .99), pct(s, 1), sqliteRate[0], sqliteRate[1]);
        System.out.printf("| etcd (3 members, 3 nodes) | %.2f | %.2f | %.2f | %.2f | %.0f, %.0f |%n", pct(e, .5), pct(e, .9), pct(e, .99), pct(e, 1), etcdRate[0], etcdRate[1]);
        System.out.printf("| bare etcd put of a 600-byte value (jetcd, no Vippy) | %.2f | %.2f | %.2f | %.2f | |%n", pct(r, .5), pct(r, .9), pct(r, .99), pct(r, 1));
        System.out.printf("etcd / SQLite: p50 %.2f, p99 %.2f, throughput %.2f%n", pct(e, .5) / pct(s, .5), pct(e, .99) / pct(s, .99),
                (etcdRate[0] + etcdRate[1]) / (sqliteRate[0] + sqliteRate[1]));
        for (Node node : cluster) {
            System.out.printf("%s: %d load balancers ACTIVE, RSS %d MB%n", node.name, node.activeCount(), node.rssMb());
        }
        printFsync(etcd);
    }

    /** The floor under a clustered create: one etcd write, acknowledged by a quorum, without Vippy. */
    static List<Double> rawPuts(KV kv, String prefix, int n) throws Exception {
        ByteSequence value = ByteSequence.from("x".repeat(600), StandardCharsets.UTF_8);
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            kv.put(ByteSequence.from("/bench/" + prefix + "-" + i, StandardCharsets.UTF_8), value).get(30, TimeUnit.SECONDS);
            ms.add(ms(System.nanoTime() - t));
        }
        return ms;
    }

    static void printFsync(List<String> etcd) throws Exception {
        for (String endpoint : etcd) {
            String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(endpoint + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            System.out.printf("%s: WAL fsync mean %.1f ms over %s, backend commit mean %.1f ms%n", endpoint,
                    meanMs(metrics, "etcd_disk_wal_fsync_duration_seconds"), metric(metrics, "etcd_disk_wal_fsync_duration_seconds_count"),
                    meanMs(metrics, "etcd_disk_backend_commit_duration_seconds"));
        }
    }

    static double meanMs(String metrics, String histogram) {
        return 1000 * Double.parseDouble(metric(metrics, histogram + "_sum")) / Double.parseDouble(metric(metrics, histogram + "_count"));
    }

    static String metric(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + " ([0-9.e+-]+)$").matcher(metrics);
        return m.find() ? m.group(1) : "0";
    }

    static List<Double> sequential(Node node, String prefix, int n, int firstPort) throws Exception {
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            node.send("POST", "/loadbalancer", "{\"name\":\"" + prefix + "-" + i + "\",\"port\":" + (firstPort + i) + "}", 201);
            ms.add(ms(System.nanoTime() - t));
        }
        return ms;
    }

    static double concurrent(Node node, String prefix, int clients, int total, int firstPort) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            long t = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                int n = i;
                done.add(pool.submit(() -> node.send("POST", "/loadbalancer",
                        "{\"name\":\"" + prefix + "-" + n + "\",\"port\":" + (firstPort + n) + "}", 201)));
            }
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
            return total / ((System.nanoTime() - t) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- 3. a fresh node starting against COUNT load balancers in etcd

    static void startup(int count) throws Exception {
        List<String> etcd = startEtcd();
        Node first = startNodes(etcd, "node1").get(0);
        long t = System.nanoTime();
        AtomicInteger ports = new AtomicInteger(1);
        AtomicInteger unavailable = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                done.add(pool.submit(() -> {
                    int n = ports.getAndIncrement();
                    String body = "{\"name\":\"lb-" + n + "\",\"port\":" + (1 + n % 65000) + "}";
                    // Under this machine's load etcd sometimes misses the 3 s request timeout (503): send again,
                    // with the same Idempotency-Key, as the answer says.
                    for (int attempt = 1; ; attempt++) {
                        try {
                            return first.send("POST", "/loadbalancer", body, 201, "populate-" + n);
                        } catch (Unavailable e) {
                            unavailable.incrementAndGet();
                            if (attempt == 5) {
                                throw e;
                            }
                            Thread.sleep(1000);
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(600, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.printf("populated %d load balancers through node1's API (8 clients) in %.1f s; %d answers were 503 (etcd slower than the 3 s request timeout) and were sent again%n",
                count, ms(System.nanoTime() - t) / 1000, unavailable.get());
        awaitCount("node1 ACTIVE", first::activeCount, count, 600);
        System.out.printf("node1 has all %d ACTIVE after %.1f s; node1 RSS %d MB; load average %s%n", count,
                ms(System.nanoTime() - t) / 1000, first.rssMb(), loadAverage());

        long start = System.nanoTime();
        Node fresh = Node.launch("node2", String.join(",", etcd));
        long serving = fresh.awaitAnswer("/loadbalancers", 200, start);
        long ready = fresh.awaitAnswer("/q/health/ready", 200, start);
        // Both polled at once, each about once a second: listing 10,000 load balancers or nftables elements is not free.
        ExecutorService pollers = Executors.newFixedThreadPool(2);
        Future<Long> kernel = pollers.submit(() -> awaitCount("node2 nftables services", fresh::servicesInKernel, count, 300));
        long active = awaitCount("node2 ACTIVE", fresh::activeCount, count, 300);
        long rssActive = fresh.rssMb();
        long programmed = kernel.get(300, TimeUnit.SECONDS);
        pollers.shutdownNow();
        Thread.sleep(5000);
        long rssSettled = fresh.rssMb();
        System.out.printf("fresh node2 against %d load balancers in etcd (node1 up and leading), load average %s%n", count, loadAverage());
        System.out.printf("| from process start | seconds |%n|---|---|%n");
        System.out.printf("| Quarkus reports started in | %s |%n", fresh.grepLog("started in ([0-9.]+)s"));
        System.out.printf("| serving: GET /loadbalancers answers 200 | %.2f |%n", ms(serving - start) / 1000);
        System.out.printf("| /q/health/ready answers 200 | %.2f |%n", ms(ready - start) / 1000);
        System.out.printf("| all %d ACTIVE in its API (GET /loadbalancers polled) | %.2f |%n", count, ms(active - start) / 1000);
        System.out.printf("| nftables services map holds all %d | %.2f |%n", count, ms(programmed - start) / 1000);
        System.out.printf("resident memory of node2: %d MB when all ACTIVE, %d MB 5 s later; node1 (populated them): %d MB%n",
                rssActive, rssSettled, first.rssMb());
    }

    static long awaitCount(String what, CountSource source, int expected, int seconds) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        int last = -1;
        while (System.nanoTime() < deadline) {
            // The moment the successful poll began: the listing it made reflects the state from about then on.
            long polled = System.nanoTime();
            last = source.count();
            if (last >= expected) {
                return polled;
            }
            Thread.sleep(1000);
        }
        throw new IllegalStateException(what + ": " + last + " of " + expected + " after " + seconds + " s");
    }

    interface CountSource {
        int count() throws Exception;
    }

    // ---- processes: etcd members and Vippy nodes

    static List<String> startEtcd() throws Exception {
        String[] names = {"etcd1", "etcd2", "etcd3"};
        int[] client = new int[3], peer = new int[3];
        List<String> cluster = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            client[i] = freePort();
            peer[i] = freePort();
            cluster.add(names[i] + "=http://127.0.0.1:" + peer[i]);
        }
        List<String> endpoints = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String clientUrl = "http://127.0.0.1:" + client[i];
            endpoints.add(clientUrl);
            spawn(List.of("etcd", "--name", names[i], "--data-dir", work.resolve(names[i] + ".etcd").toString(),
                    "--listen-client-urls", clientUrl, "--advertise-client-urls", clientUrl,
                    "--listen-peer-urls", "http://127.0.0.1:" + peer[i], "--initial-advertise-peer-urls", "http://127.0.0.1:" + peer[i],
                    "--initial-cluster", String.join(",", cluster), "--initial-cluster-state", "new",
                    "--initial-cluster-token", "vippy-bench-" + work.getFileName(),
                    "--heartbeat-interval", "100", "--election-timeout", "1000", "--log-level", "warn"),
                    null, work.resolve(names[i] + ".log"));
        }
        long deadline = System.nanoTime() + 30_000_000_000L;
        for (String endpoint : endpoints) {
            while (!quiet(List.of("etcdctl", "--endpoints", endpoint, "--command-timeout=2s", "endpoint", "health"))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("etcd did not become healthy within 30 s");
                }
                Thread.sleep(100);
            }
        }
        System.out.printf("etcd %s: 3 members on loopback, data in %s%n", version(), work);
        return endpoints;
    }

    static List<Node> startNodes(List<String> etcd, String... names) throws Exception {
        String endpoints = String.join(",", etcd);
        List<Node> nodes = new ArrayList<>();
        for (String name : names) {
            nodes.add(Node.launch(name, endpoints));
        }
        for (Node node : nodes) {
            node.awaitAnswer("/q/health/ready", 200, node.started);
        }
        return nodes;
    }

    static final class Node {
        final String name;
        final String netns;
        final int port;
        final Process process;
        final long started;
        final Path log;

        private Node(String name, String netns, int port, Process process, long started, Path log) {
            this.name = name;
            this.netns = netns;
            this.port = port;
            this.process = process;
            this.started = started;
            this.log = log;
        }

        /** A node of the etcd cluster at these endpoints, or with the SQLite store when endpoints is null. Not awaited. */
        static Node launch(String name, String endpoints) throws Exception {
            String netns = "vcb-" + ProcessHandle.current().pid() + "-" + name;
            namespaces.add(netns);
            Files.writeString(work.resolve("netns"), netns + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            run("ip", "netns", "add", netns);
            Path dataDir = Files.createDirectories(work.resolve(name + ".data"));
            int port = freePort();
            List<String> command = new ArrayList<>(List.of("java"));
            command.addAll(DEPLOYED_JVM_OPTIONS);
            command.addAll(List.of("-Dquarkus.http.port=" + port, "-Dquarkus.http.host=127.0.0.1",
                    "-Dvippy.node.name=" + name, "-Dvippy.netns=" + netns, "-Dvippy.bgp.enabled=false",
                    "-Dvippy.api.auth=false", "-Dvippy.data-dir=" + dataDir, "-Dvippy.static.pool=" + POOL));
            if (endpoints != null) {
                command.addAll(List.of("-Dvippy.store=etcd", "-Dvippy.etcd.endpoints=" + endpoints));
            }
            command.addAll(List.of("-jar", "quarkus-run.jar"));
            Path log = work.resolve(name + ".log");
            long started = System.nanoTime();
            // From the application directory, as the unit runs it: the class-data archive's paths are relative to it.
            Process process = spawn(command, APP, log);
            return new Node(name, netns, port, process, started, log);
        }

        static Node start(String name, String endpoints) throws Exception {
            Node node = launch(name, endpoints);
            node.awaitAnswer("/q/health/ready", 200, node.started);
            return node;
        }

        /** Polls until this path answers; the time it did. */
        long awaitAnswer(String path, int expected, long since) throws Exception {
            while (System.nanoTime() - since < 120_000_000_000L) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(name + " exited with " + process.exitValue() + ", see " + log);
                }
                try {
                    if (status(path) == expected) {
                        return System.nanoTime();
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                Thread.sleep(20);
            }
            throw new IllegalStateException(name + ": " + path + " did not answer " + expected + " within 120 s, see " + log);
        }

        /** Times at which this node's API showed the load balancer ACTIVE, and its nftables map held the address. */
        long[] awaitActiveAndProgrammed(String uuid) throws Exception {
            long deadline = System.nanoTime() + 30_000_000_000L;
            String eip = null;
            long active = 0;
            while (active == 0 && System.nanoTime() < deadline) {
                try {
                    String body = send("GET", "/loadbalancer/" + uuid, null, 200);
                    if ("ACTIVE".equals(field(STATUS_FIELD, body))) {
                        active = System.nanoTime();
                        eip = field(EIP_FIELD, body);
                    }
                } catch (IllegalStateException notThereYet) {
                    // 404 until the change reaches this node
                }
                if (active == 0) {
                    Thread.sleep(5);
                }
            }
            while (System.nanoTime() < deadline) {
                if (output(List.of("ip", "netns", "exec", netns, "nft", "list", "map", "ip", "vippy", "services")).contains(eip + " ")) {
                    return new long[] {active, System.nanoTime()};
                }
                Thread.sleep(5);
            }
            throw new IllegalStateException(name + ": " + uuid + " not ACTIVE and programmed within 30 s");
        }

        int activeCount() throws Exception {
            Matcher m = ACTIVE.matcher(send("GET", "/loadbalancers", null, 200));
            int n = 0;
            while (m.find()) {
                n++;
            }
            return n;
        }

        int servicesInKernel() throws Exception {
            String json = output(List.of("ip", "netns", "exec", netns, "nft", "-j", "list", "map", "ip", "vippy", "services"));
            // Before Vippy made its table, nft answers with an error instead of JSON: nothing programmed yet.
            String count = output(List.of("jq", "[.nftables[] | select(.map) | .map.elem // [] | length] | add"), json).trim();
            return count.matches("\\d+") ? Integer.parseInt(count) : 0;
        }

        long rssMb() throws IOException {
            for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
            return -1;
        }

        /** Mean time of each successful reconcile step (vippy_reconcile_step), from this node's metrics. */
        void printReconcileSteps() throws Exception {
            String metrics = send("GET", "/q/metrics", null, 200);
            Matcher m = Pattern.compile("(?m)^vippy_reconcile_step_seconds_count\\{outcome=\"success\",step=\"(\\w+)\",?} ([0-9.e+-]+)$").matcher(metrics);
            StringBuilder line = new StringBuilder(name + " reconcile steps, mean ms:");
            while (m.find()) {
                String sum = metric(metrics, "vippy_reconcile_step_seconds_sum\\{outcome=\"success\",step=\"" + m.group(1) + "\",?}");
                line.append(String.format(" %s %.1f (%s),", m.group(1), 1000 * Double.parseDouble(sum) / Double.parseDouble(m.group(2)), m.group(2)));
            }
            System.out.println(line);
        }

        String grepLog(String regex) throws IOException {
            Matcher m = Pattern.compile(regex).matcher(Files.readString(log));
            return m.find() ? m.group(1) : "?";
        }

        int status(String path) throws Exception {
            return HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        }

        String send(String method, String path, String body, int expected) throws Exception {
            return send(method, path, body, expected, null);
        }

        String send(String method, String path, String body, int expected, String idempotencyKey) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            if (idempotencyKey != null) {
                request.header("Idempotency-Key", idempotencyKey);
            }
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 503 && expected != 503) {
                throw new Unavailable(name + ": " + method + " " + path + " answered 503: " + response.body());
            }
            if (response.statusCode() != expected) {
                throw new IllegalStateException(name + ": " + method + " " + path + " answered " + response.statusCode() + ": " + response.body());
            }
            return response.body();
        }

        URI uri(String path) {
            return URI.create("http://127.0.0.1:" + port + path);
        }
    }

    static final class Unavailable extends IllegalStateException {
        Unavailable(String message) {
            super(message);
        }
    }

    static String leader(Node node) throws Exception {
        String nodes = node.send("GET", "/cluster/nodes", null, 200);
        Matcher m = Pattern.compile("\\{[^{}]*\"leader\"\\s*:\\s*true[^{}]*}").matcher(nodes);
        if (!m.find()) {
            return "none";
        }
        Matcher name = Pattern.compile("\"name\"\\s*:\\s*\"([^\"]+)\"").matcher(m.group());
        return name.find() ? name.group(1) : "?";
    }

    static Process spawn(List<String> command, Path dir, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        if (dir != null) {
            builder.directory(dir.toFile());
        }
        Process process = builder.start();
        processes.add(process);
        Files.writeString(work.resolve("pids"), process.pid() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return process;
    }

    static void cleanUp() throws Exception {
        for (Process process : processes) {
            process.destroy();
        }
        for (Process process : processes) {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        for (String netns : namespaces) {
            run("sh", "-c", "kill -9 $(ip netns pids " + netns + ") 2>/dev/null; ip netns del " + netns);
        }
    }

    // ---- small helpers

    static String field(Pattern pattern, String json) {
        Matcher m = pattern.matcher(json);
        return m.find() ? m.group(1) : null;
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }

    static double[] sorted(List<Double> values) {
        double[] a = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a;
    }

    static double pct(double[] sorted, double p) {
        return sorted[Math.max(0, Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1))];
    }

    static void row(String name, double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        System.out.printf("| %s | %.0f | %.0f | %.0f | %.0f |%n", name, pct(s, .5), pct(s, .9), pct(s, .99), pct(s, 1));
    }

    static String loadAverage() throws IOException {
        String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return parts[0] + " " + parts[1] + " " + parts[2];
    }

    static String version() throws Exception {
        String out = output(List.of("etcd", "--version"));
        return out.lines().findFirst().orElse("?").replace("etcd Version: ", "");
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static boolean quiet(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return false;
        }
        return p.exitValue() == 0;
    }

    static String output(List<String> command) throws Exception {
        return output(command, null);
    }

    static String output(List<String> command, String input) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (input != null) {
            try (var in = p.getOutputStream()) {
                in.write(input.getBytes());
            }
        } else {
            p.getOutputStream().close();
        }
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return out;
    }

    static void run(String... command) throws Exception {
        new ProcessBuilder(command).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
    }
}
