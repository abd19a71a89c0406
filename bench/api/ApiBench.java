import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * API latency and throughput, start-up time and resident memory of the packaged Vippy, in one run.
 * Vippy runs with its network side in a namespace of its own (created and removed here), its API on
 * 127.0.0.1, and a fresh data directory. Latencies are also given as a ratio to the trivial
 * /q/health/live call measured in the same run, since this machine is noisy.
 *
 * Run (as root, after ./mvnw -B package -DskipTests):  java bench/api/ApiBench.java [loadBalancers [JVM options...]]
 * The JVM options default to the systemd unit's (deploy/vippy.service).
 */
public class ApiBench {
    static final String TOKEN = "bench-token-0123456789abcdef";
    static final List<String> DEPLOYED_JVM_OPTIONS = List.of("-XX:SharedArchiveFile=app-cds.jsa", "-XX:+UseSerialGC", "-Xms16m", "-Xmx256m",
            "-XX:MaxHeapFreeRatio=40", "-XX:MinHeapFreeRatio=10", "-XX:TieredStopAtLevel=1",
            "-XX:+ExitOnOutOfMemoryError");
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static int port;

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        List<String> jvm = args.length > 1 ? List.of(args).subList(1, args.length) : DEPLOYED_JVM_OPTIONS;
        String netns = "vbench-" + ProcessHandle.current().pid();
        Path dataDir = Files.createTempDirectory("vippy-bench");
        Path log = Files.createTempFile("vippy-bench", ".log");
        run("ip", "netns", "add", netns);
        Process vippy = null;
        try {
            port = freePort();
            long started = System.nanoTime();
            List<String> command = new ArrayList<>(List.of("java"));
            command.addAll(jvm);
            command.addAll(List.of("-Dquarkus.http.port=" + port, "-Dquarkus.http.host=127.0.0.1",
                    "-Dvippy.netns=" + netns, "-Dvippy.data-dir=" + dataDir, "-Dvippy.api.token=" + TOKEN,
                    "-Dvippy.static.pool=198.18.0.0/18", "-jar", "quarkus-run.jar"));
            // From the application directory, as the unit runs it: the class-data archive's paths are relative to it.
            vippy = new ProcessBuilder(command).directory(Path.of("target/quarkus-app").toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            awaitHealthy(vippy, started);
            double startupMs = (System.nanoTime() - started) / 1e6;
            long rssIdle = rssKb(vippy.pid());
            String quarkusStarted = grep(log, "started in ([0-9.]+)s");

            double[] health = time(2000, i -> send("GET", "/q/health/live", null, 200));
            double[] create = time(count, i -> send("POST", "/loadbalancer",
                    "{\"name\":\"bench-" + i + "\",\"port\":" + (1000 + i % 60000) + "}", 201));
            double[] list = time(200, i -> send("GET", "/loadbalancers", null, 200));
            double[] get = time(2000, i -> send("GET", "/q/health/live", null, 200));
            double createRate = throughput(8, 400, i -> send("POST", "/loadbalancer",
                    "{\"name\":\"burst-" + i + "\",\"port\":" + (2000 + i) + "}", 201));
            long rssLoaded = rssKb(vippy.pid());

            System.out.printf("Vippy API benchmark: %d load balancers, JVM options %s, %s%n", count, jvm,
                    java.time.Instant.now());
            System.out.printf("| measure | p50 ms | p99 ms | p99 / health p99 |%n|---|---|---|---|%n");
            row("GET /q/health/live (baseline)", health, health);
            row("POST /loadbalancer (store grows 0 -> " + count + ")", create, health);
            row("GET /loadbalancers with " + count + " stored", list, health);
            row("GET /q/health/live (again, after)", get, health);
            System.out.printf("%ncreate throughput, 8 concurrent clients: %.0f creates/s%n", createRate);
            System.out.printf("start-up, process start to first health answer: %.0f ms (Quarkus reports %s s)%n",
                    startupMs, quarkusStarted);
            System.out.printf("resident memory: %d MB idle after start, %d MB with %d load balancers%n",
                    rssIdle / 1024, rssLoaded / 1024, count + 400);
        } finally {
            if (vippy != null) {
                vippy.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            run("sh", "-c", "kill -9 $(ip netns pids " + netns + ") 2>/dev/null; ip netns del " + netns);
            run("rm", "-rf", dataDir.toString());
        }
    }

    interface Call {
        void run(int i) throws Exception;
    }

    static double[] time(int n, Call call) throws Exception {
        double[] ms = new double[n];
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            call.run(i);
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(ms);
        return ms;
    }

    static double throughput(int clients, int total, Call call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long t = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            int n = i;
            done.add(pool.submit(() -> {
                call.run(n);
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        return total / ((System.nanoTime() - t) / 1e9);
    }

    static double pct(double[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    static void row(String name, double[] values, double[] baseline) {
        System.out.printf("| %s | %.2f | %.2f | %.1f |%n", name, pct(values, 0.5), pct(values, 0.99),
                pct(values, 0.99) / pct(baseline, 0.99));
    }

    static void send(String method, String path, String body, int expected) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + TOKEN)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    static void awaitHealthy(Process vippy, long started) throws Exception {
        while (System.nanoTime() - started < 60_000_000_000L) {
            if (!vippy.isAlive()) {
                throw new IllegalStateException("Vippy exited with " + vippy.exitValue());
            }
            try {
                send("GET", "/q/health/live", null, 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(10);
            }
        }
        throw new IllegalStateException("Vippy did not start within 60 s");
    }

    static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }

    static String grep(Path log, String regex) throws IOException {
        Matcher m = Pattern.compile(regex).matcher(Files.readString(log));
        return m.find() ? m.group(1) : "?";
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static void run(String... command) throws Exception {
        new ProcessBuilder(command).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
    }
}
