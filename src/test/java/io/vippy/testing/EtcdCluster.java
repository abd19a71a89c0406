package io.vippy.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A real three-member etcd cluster (Debian's {@code etcd-server} 3.4) on loopback with free ports, so that
 * Vippy JVMs in the root namespace reach it; data directories and logs in one temporary directory. Elections
 * are fast (heartbeat 100 ms, election timeout 1 s). Members are numbered 1 to 3. Closing (or the JVM
 * exiting) kills every member and removes the directory.
 */
public final class EtcdCluster implements AutoCloseable {
    public static final int SIZE = 3;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final int[] clientPorts = new int[SIZE];
    private final int[] peerPorts = new int[SIZE];
    private final Process[] processes = new Process[SIZE];
    private final Thread downOnExit = new Thread(this::stopEverything, "etcd-down");

    private EtcdCluster(Path dir) {
        this.dir = dir;
        Runtime.getRuntime().addShutdownHook(downOnExit);
    }

    /** Starts three members and waits until the cluster is healthy; tears down what it started if that fails. */
    public static EtcdCluster start() {
        RootOnly.requireTool("etcd");
        RootOnly.requireTool("etcdctl");
        EtcdCluster cluster;
        try {
            cluster = new EtcdCluster(Files.createTempDirectory("vippy-etcd"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            for (int i = 0; i < SIZE; i++) {
                cluster.clientPorts[i] = freePort();
                cluster.peerPorts[i] = freePort();
            }
            for (int member = 1; member <= SIZE; member++) {
                cluster.launch(member);
            }
            cluster.awaitHealthy(START_TIMEOUT);
            return cluster;
        } catch (RuntimeException | AssertionError e) {
            cluster.close();
            throw e;
        }
    }

    /** The client URLs, comma-separated, as {@code vippy.etcd.endpoints} takes them. */
    public String endpoints() {
        return IntStream.rangeClosed(1, SIZE).mapToObj(this::endpoint).collect(Collectors.joining(","));
    }

    public String endpoint(int member) {
        return "http://127.0.0.1:" + clientPorts[member - 1];
    }

    public long pid(int member) {
        return processes[member - 1].pid();
    }

    public boolean isRunning(int member) {
        Process process = processes[member - 1];
        return process != null && process.isAlive();
    }

    /** SIGKILL: the member gets no chance to tell the others. */
    public void kill(int member) {
        Process process = processes[member - 1];
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new AssertionError("etcd member " + member + " survived SIGKILL for 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** SIGSTOP: the process stays, its sockets stay open, and it answers nothing. */
    public void pause(int member) {
        signal(member, "STOP");
    }

    /** SIGCONT after {@link #pause}. */
    public void resume(int member) {
        signal(member, "CONT");
    }

    /** Starts a killed member again with its data directory: it rejoins the cluster it was part of. */
    public void restart(int member) {
        if (isRunning(member)) {
            throw new IllegalStateException("etcd member " + member + " is still running");
        }
        launch(member);
    }

    /** The member the others follow, asked of each running member; empty while there is none (no quorum). */
    public Optional<Integer> leader() {
        for (int member = 1; member <= SIZE; member++) {
            if (!isRunning(member)) {
                continue;
            }
            Shell.Result status = etcdctl(Duration.ofSeconds(3), List.of(endpoint(member)), "endpoint", "status",
                    "-w", "json");
            if (!status.ok()) {
                continue;
            }
            JsonNode self = json(status.output()).path(0).path("Status");
            String leaderId = self.path("leader").asText();
            if (leaderId.isEmpty() || "0".equals(leaderId)) {
                continue;
            }
            for (int candidate = 1; candidate <= SIZE; candidate++) {
                if (leaderId.equals(memberId(candidate))) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    /** Waits until some member leads and returns it. */
    public int awaitLeader(Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        do {
            Optional<Integer> leader = leader();
            if (leader.isPresent()) {
                return leader.get();
            }
            sleep(100);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("no etcd leader within " + atMost + "\n" + logs());
    }

    /** Waits until every member answers {@code endpoint health}. */
    public void awaitHealthy(Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        Shell.Result health;
        do {
            health = etcdctl(Duration.ofSeconds(3), allEndpoints(), "endpoint", "health");
            if (health.ok()) {
                return;
            }
            sleep(100);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("etcd not healthy within " + atMost + ": " + health.output() + "\n" + logs());
    }

    /** etcdctl against every member, with a 2 s command timeout, e.g. {@code etcdctl("put", "k", "v")}. */
    public Shell.Result etcdctl(String... arguments) {
        return etcdctl(Duration.ofSeconds(5), allEndpoints(), arguments);
    }

    private Shell.Result etcdctl(Duration timeout, List<String> endpoints, String... arguments) {
        List<String> command = new ArrayList<>(List.of("etcdctl", "--endpoints=" + String.join(",", endpoints),
                "--dial-timeout=1s", "--command-timeout=2s"));
        command.addAll(List.of(arguments));
        return Shell.run(timeout, command.toArray(String[]::new));
    }

    /** The end of every member's log, for failure messages. */
    public String logs() {
        StringBuilder text = new StringBuilder();
        for (int member = 1; member <= SIZE; member++) {
            try {
                String log = Files.readString(log(member));
                text.append("--- etcd member ").append(member).append(" ---\n")
                        .append(log.length() <= 3000 ? log : log.substring(log.length() - 3000));
            } catch (IOException e) {
                text.append("--- etcd member ").append(member).append(": no log (").append(e).append(")\n");
            }
        }
        return text.toString();
    }

    private String memberId(int member) {
        Shell.Result status = etcdctl(Duration.ofSeconds(3), List.of(endpoint(member)), "endpoint", "status",
                "-w", "json");
        return status.ok() ? json(status.output()).path(0).path("Status").path("header").path("member_id").asText()
                : "";
    }

    private List<String> allEndpoints() {
        return IntStream.rangeClosed(1, SIZE).mapToObj(this::endpoint).toList();
    }

    private void launch(int member) {
        String initialCluster = IntStream.rangeClosed(1, SIZE)
                .mapToObj(m -> "e" + m + "=http://127.0.0.1:" + peerPorts[m - 1]).collect(Collectors.joining(","));
        String client = endpoint(member);
        String peer = "http://127.0.0.1:" + peerPorts[member - 1];
        // An existing data directory wins over --initial-cluster-state: a restarted member rejoins.
        List<String> command = List.of("etcd", "--name", "e" + member, "--data-dir", dir.resolve("e" + member).toString(),
                "--listen-client-urls", client, "--advertise-client-urls", client,
                "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                "--initial-cluster", initialCluster, "--initial-cluster-state", "new",
                "--initial-cluster-token", "vippy-test-" + dir.getFileName(),
                "--heartbeat-interval", "100", "--election-timeout", "1000");
        try {
            processes[member - 1] = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log(member).toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path log(int member) {
        return dir.resolve("e" + member + ".log");
    }

    private void signal(int member, String signal) {
        Shell.run("kill", "-" + signal, Long.toString(pid(member))).orThrow();
    }

    private void stopEverything() {
        for (Process process : processes) {
            if (process != null && process.isAlive()) {
                // A paused member ignores SIGTERM, not SIGKILL; nothing of it needs to survive.
                process.destroyForcibly();
            }
        }
        for (Process process : processes) {
            if (process != null) {
                try {
                    process.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        VippyTestEnvironment.deleteRecursively(dir);
    }

    @Override
    public void close() {
        stopEverything();
        try {
            Runtime.getRuntime().removeShutdownHook(downOnExit);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook runs anyway.
        }
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("etcdctl printed no JSON: " + text, e);
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
