package io.vippy.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * The packaged Vippy ({@code target/quarkus-app/quarkus-run.jar}) started as a user would, with its own port,
 * data directory and network namespace, and a small HTTP client for its API.
 */
public final class VippyProcess implements AutoCloseable {
    public static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    /** Below net.ipv4.ip_local_port_range (32768-60999 by default). */
    private static final int FIRST_SERVER_PORT = 20_000;
    private static final int LAST_SERVER_PORT = 32_000;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private final Process process;
    private final int port;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private VippyProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts the jar with these {@code -D} settings and waits until its health endpoint answers. */
    public static VippyProcess start(Map<String, String> settings, Path log) {
        return start(settings, log, VippyProcess::answersHealth);
    }

    /** Starts the jar and waits until {@code healthy} says so (for an API that plain HTTP cannot reach: TLS). */
    public static VippyProcess start(Map<String, String> settings, Path log, Predicate<VippyProcess> healthy) {
        int port = freePort();
        Map<String, String> withToken = new LinkedHashMap<>(settings);
        withToken.putIfAbsent("vippy.api.token", VippyTestEnvironment.TOKEN);
        try {
            Process process = new ProcessBuilder(deployedCommand(List.of(), port, withToken))
                    .directory(JAR.getParent().toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toAbsolutePath().toFile())).start();
            VippyProcess vippy = new VippyProcess(process, port, log);
            vippy.awaitHealthy(healthy);
            return vippy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How a run that was expected to stop at start-up ended. */
    public record EarlyExit(int exitCode, String output) {
    }

    /**
     * Runs the jar, from its directory and with its class-data archive (start-up is the whole cost here), behind
     * {@code wrapper} (such as {@code setpriv ...}, or nothing), with these {@code -D} settings and environment
     * variables, and waits for it to exit on its own; fails if it is still running after {@code timeout}.
     */
    public static EarlyExit runExpectingExit(List<String> wrapper, Map<String, String> settings,
            Map<String, String> environment, Duration timeout) {
        ProcessBuilder builder = new ProcessBuilder(deployedCommand(wrapper, freePort(), settings))
                .directory(JAR.getParent().toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        try {
            Process process = builder.start();
            // Read while it runs: a full pipe would block it.
            CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return "(output unreadable: " + e + ")";
                }
            });
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("still running after " + timeout + ":\n" + output.get(10, TimeUnit.SECONDS));
            }
            return new EarlyExit(process.exitValue(), output.get(10, TimeUnit.SECONDS));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("cannot read Vippy's output", e);
        }
    }

    /**
     * The JVM options of {@code deploy/vippy.service}, its class-data archive included, behind {@code wrapper}: run
     * from the jar's directory, where the archive is, so that the class path matches the one it was made with.
     */
    private static List<String> deployedCommand(List<String> wrapper, int port, Map<String, String> settings) {
        if (!Files.exists(JAR)) {
            throw new AssertionError(JAR + " is missing: run the packaged-jar tests with ./mvnw verify");
        }
        List<String> command = new ArrayList<>(wrapper);
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:SharedArchiveFile=app-cds.jsa", "-XX:+UseSerialGC", "-Xms16m", "-Xmx256m",
                "-XX:MaxHeapFreeRatio=40", "-XX:MinHeapFreeRatio=10", "-XX:TieredStopAtLevel=1", "-Dquarkus.http.port=" + port));
        settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", JAR.getFileName().toString()));
        return command;
    }

    private boolean answersHealth() {
        try {
            return http.send(HttpRequest.newBuilder(uri("/q/health/live")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false; // Not listening yet.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private void awaitHealthy(Predicate<VippyProcess> healthy) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("Vippy exited with " + process.exitValue() + ":\n" + log());
            }
            if (healthy.test(this)) {
                return;
            }
            sleep(100);
        }
        close();
        throw new AssertionError("Vippy did not become healthy within " + START_TIMEOUT + ":\n" + log());
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** Sends a request with the test token and these header names and values; returns status and body. */
    public HttpResponse<String> send(String method, String path, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + VippyTestEnvironment.TOKEN)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** SIGKILL: nothing runs after it, which is the point. */
    public void kill() {
        process.destroyForcibly();
        waitFor();
    }

    /** SIGSTOP: the process and its sockets stay, but it runs nothing (a long GC pause, a frozen VM). */
    public void pause() {
        Shell.run("kill", "-STOP", Long.toString(pid())).orThrow();
    }

    /** SIGCONT after {@link #pause}. */
    public void resume() {
        Shell.run("kill", "-CONT", Long.toString(pid())).orThrow();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM, as systemd stops a service; returns the exit code. */
    public int terminate() {
        signalTerm();
        return waitFor();
    }

    /** SIGTERM without waiting for the end; {@link #terminate} then waits for it and tells the exit code. */
    public void signalTerm() {
        process.destroy();
    }

    private int waitFor() {
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }

    /**
     * A TCP port free on this host now, never handed out before in this JVM (two calls of bind-to-port-0 can get the
     * same port, and an etcd member then finds its peer port taken by another's client port), and below the kernel's
     * ephemeral range, so that no outgoing connection takes it before the server binds it or while a killed server
     * is down.
     */
    public static int freePort() {
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(FIRST_SERVER_PORT, LAST_SERVER_PORT + 1);
            if (HANDED_OUT.add(port)) {
                try (ServerSocket socket = new ServerSocket(port)) {
                    return port;
                } catch (IOException taken) {
                    // someone else's: try another
                }
            }
        }
        throw new AssertionError("no free port in " + FIRST_SERVER_PORT + "-" + LAST_SERVER_PORT);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
