package io.vippy.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One member of a real etcd (Debian's etcd-server) on loopback, with free ports and a data directory of its own: alone,
 * or one of several given the same initial cluster. Can be killed, paused and started again on the same data.
 */
public final class EtcdMember implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);

    private final String name;
    private final Path dataDir;
    private final int clientPort;
    private final int peerPort;
    private final List<String> flags;
    private String initialCluster;
    private Process process;

    private EtcdMember(String name, Path dataDir, int clientPort, int peerPort, List<String> flags) {
        this.name = name;
        this.dataDir = dataDir;
        this.clientPort = clientPort;
        this.peerPort = peerPort;
        this.flags = List.copyOf(flags);
    }

    /** A member not started yet, with its own free ports and data directory under {@code dir}. */
    public static EtcdMember prepare(String name, Path dir) {
        return prepare(name, dir, List.of());
    }

    /** As {@link #prepare(String, Path)}, with these etcd command-line flags besides the rig's. */
    public static EtcdMember prepare(String name, Path dir, List<String> flags) {
        RootOnly.requireTool("etcd");
        return new EtcdMember(name, dir.resolve(name + ".etcd"), VippyProcess.freePort(), VippyProcess.freePort(), flags);
    }

    /** A single-member etcd, started and answering. */
    public static EtcdMember single(Path dir) {
        return single(dir, List.of());
    }

    /** A single-member etcd with these flags besides the rig's, started and answering. */
    public static EtcdMember single(Path dir, List<String> flags) {
        EtcdMember member = prepare("solo", dir, flags);
        member.start(member.peerEntry());
        member.awaitHealthy();
        return member;
    }

    public String name() {
        return name;
    }

    public String clientUrl() {
        return "http://127.0.0.1:" + clientPort;
    }

    /** {@code name=peer-url}, one entry of an initial cluster. */
    public String peerEntry() {
        return name + "=http://127.0.0.1:" + peerPort;
    }

    /** Starts (or starts again, on the same data) with this initial cluster: every member's {@link #peerEntry}. */
    public synchronized void start(String cluster) {
        this.initialCluster = cluster;
        List<String> command = new ArrayList<>(List.of("etcd", "--name", name, "--data-dir", dataDir.toString(),
                "--listen-client-urls", clientUrl(), "--advertise-client-urls", clientUrl(),
                "--listen-peer-urls", "http://127.0.0.1:" + peerPort,
                "--initial-advertise-peer-urls", "http://127.0.0.1:" + peerPort,
                "--initial-cluster", cluster, "--initial-cluster-state", "new",
                "--initial-cluster-token", "vippy-test-" + dataDir.getParent().getFileName(),
                "--heartbeat-interval", "100", "--election-timeout", "1000", "--log-level", "warn"));
        command.addAll(flags);
        try {
            Files.createDirectories(dataDir.getParent());
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.getParent().resolve(name + ".log").toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts again after {@link #kill}, on the same data directory: the member rejoins its cluster. */
    public void restart() {
        start(initialCluster);
    }

    /** Waits until this member answers a health check (it needs a quorum for that). */
    public void awaitHealthy() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (Shell.run(Duration.ofSeconds(3), "etcdctl", "--endpoints", clientUrl(), "--command-timeout=2s",
                    "endpoint", "health").ok()) {
                return;
            }
            sleep(100);
        }
        throw new AssertionError("etcd member " + name + " did not become healthy within " + READY_TIMEOUT + ":\n" + log());
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** SIGKILL, as a crash. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            waitFor();
        }
    }

    /** SIGSTOP / SIGCONT: frozen, then on again. */
    public void pause() {
        Shell.run("kill", "-STOP", String.valueOf(pid())).orThrow();
    }

    public void resume() {
        Shell.run("kill", "-CONT", String.valueOf(pid())).orThrow();
    }

    /** etcdctl against this member, with a bounded time. */
    public Shell.Result etcdctl(String... arguments) {
        List<String> command = new ArrayList<>(List.of("etcdctl", "--endpoints", clientUrl(), "--command-timeout=3s"));
        command.addAll(List.of(arguments));
        return Shell.run(Duration.ofSeconds(5), command.toArray(String[]::new));
    }

    public String log() {
        try {
            return Files.readString(dataDir.getParent().resolve(name + ".log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private void waitFor() {
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized void close() {
        if (process != null && process.isAlive()) {
            Shell.run("kill", "-CONT", String.valueOf(pid()));
            kill();
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
