package io.vippy.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A real three-member etcd cluster (Debian's {@code etcd-server} 3.4): three {@link EtcdMember}s on loopback with
 * free ports, so that Vippy JVMs in the root namespace reach it; data directories and logs in one temporary
 * directory. Elections are fast (heartbeat 100 ms, election timeout 1 s). Members are numbered 1 to 3. Closing
 * (or the JVM exiting) kills every member and removes the directory.
 */
public final class EtcdCluster implements AutoCloseable {
    public static final int SIZE = 3;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final List<EtcdMember> members = new ArrayList<>();
    private final Thread downOnExit = new Thread(this::stopEverything, "etcd-down");

    private EtcdCluster(Path dir) {
        this.dir = dir;
        Runtime.getRuntime().addShutdownHook(downOnExit);
    }

    /** Starts three members and waits until the cluster is healthy; tears down what it started if that fails. */
    public static EtcdCluster start() {
        RootOnly.requireTool("etcdctl");
        EtcdCluster cluster;
        try {
            // In memory where there is /dev/shm: fsyncs on a busy shared disk took writes past Vippy's 3 s timeout.
            Path shm = Path.of("/dev/shm");
            cluster = new EtcdCluster(Files.isDirectory(shm) ? Files.createTempDirectory(shm, "vippy-etcd")
                    : Files.createTempDirectory("vippy-etcd"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            for (int member = 1; member <= SIZE; member++) {
                cluster.members.add(EtcdMember.prepare("e" + member, cluster.dir));
            }
            String initialCluster = cluster.members.stream().map(EtcdMember::peerEntry).collect(Collectors.joining(","));
            cluster.members.forEach(member -> member.start(initialCluster));
            cluster.awaitHealthy(START_TIMEOUT);
            return cluster;
        } catch (RuntimeException | AssertionError e) {
            cluster.close();
            throw e;
        }
    }

    /** The client URLs, comma-separated, as {@code vippy.etcd.endpoints} takes them. */
    public String endpoints() {
        return String.join(",", allEndpoints());
    }

    public EtcdMember member(int member) {
        return members.get(member - 1);
    }

    /** SIGKILL: the member gets no chance to tell the others. */
    public void kill(int member) {
        member(member).kill();
    }

    /** SIGSTOP: the process stays, its sockets stay open, and it answers nothing. */
    public void pause(int member) {
        member(member).pause();
    }

    /** SIGCONT after {@link #pause}. */
    public void resume(int member) {
        member(member).resume();
    }

    /** Starts a killed member again with its data directory: it rejoins the cluster it was part of. */
    public void restart(int member) {
        if (member(member).isRunning()) {
            throw new IllegalStateException("etcd member " + member + " is still running");
        }
        member(member).restart();
    }

    /** The member the others follow, asked of each running member; empty while there is none (no quorum). */
    public Optional<Integer> leader() {
        Map<String, Integer> byId = new HashMap<>();
        String leaderId = null;
        for (int member = 1; member <= SIZE; member++) {
            if (!member(member).isRunning()) {
                continue;
            }
            Shell.Result status = member(member).etcdctl("endpoint", "status", "-w", "json");
            if (!status.ok()) {
                continue;
            }
            JsonNode self = json(status.output()).path(0).path("Status");
            byId.put(self.path("header").path("member_id").asText(), member);
            String seen = self.path("leader").asText();
            if (!seen.isEmpty() && !"0".equals(seen)) {
                leaderId = seen;
            }
        }
        return Optional.ofNullable(leaderId == null ? null : byId.get(leaderId));
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
            health = etcdctl("endpoint", "health");
            if (health.ok()) {
                return;
            }
            sleep(100);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("etcd not healthy within " + atMost + ": " + health.output() + "\n" + logs());
    }

    /** etcdctl against every member, with a 2 s command timeout, e.g. {@code etcdctl("put", "k", "v")}. */
    public Shell.Result etcdctl(String... arguments) {
        List<String> command = new ArrayList<>(List.of("etcdctl", "--endpoints=" + endpoints(), "--dial-timeout=1s",
                "--command-timeout=2s"));
        command.addAll(List.of(arguments));
        return Shell.run(Duration.ofSeconds(5), command.toArray(String[]::new));
    }

    /** The end of every member's log, for failure messages. */
    public String logs() {
        StringBuilder text = new StringBuilder();
        for (EtcdMember member : members) {
            String log = member.log();
            text.append("--- etcd member ").append(member.name()).append(" ---\n")
                    .append(log.length() <= 3000 ? log : log.substring(log.length() - 3000));
        }
        return text.toString();
    }

    private List<String> allEndpoints() {
        return members.stream().map(EtcdMember::clientUrl).toList();
    }

    private void stopEverything() {
        // close() resumes a paused member before killing it.
        members.forEach(EtcdMember::close);
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

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
