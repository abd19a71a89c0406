package io.vippy.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged Vippy ({@code target/quarkus-app/quarkus-run.jar}) started as a user would, with its own port,
 * data directory and network namespace, and a small HTTP client for its API.
 */
public final class VippyProcess implements AutoCloseable {
    public static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

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
        if (!Files.exists(JAR)) {
            throw new AssertionError(JAR + " is missing: run the packaged-jar tests with ./mvnw verify");
        }
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Xms16m", "-Xmx256m", "-XX:TieredStopAtLevel=1", "-Dquarkus.http.port=" + port, "-Dvippy.api.token=" + VippyTestEnvironment.TOKEN));
        settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", JAR.toString()));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            VippyProcess vippy = new VippyProcess(process, port, log);
            vippy.awaitHealthy();
            return vippy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitHealthy() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("Vippy exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                if (http.send(HttpRequest.newBuilder(uri("/q/health/live")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            sleep(100);
        }
        throw new AssertionError("Vippy did not become healthy within " + START_TIMEOUT + ":\n" + log());
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

    /** Sends a request with the test token; returns status and body. */
    public HttpResponse<String> send(String method, String path, String body) {
        return send(method, path, body, Map.of());
    }

    /** As {@link #send(String, String, String)}, with these extra headers (such as Idempotency-Key). */
    public HttpResponse<String> send(String method, String path, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + VippyTestEnvironment.TOKEN)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
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
        process.destroy();
        return waitFor();
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

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
