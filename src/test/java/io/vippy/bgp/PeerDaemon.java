package io.vippy.bgp;

import io.vippy.testing.TestNamespace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A routing daemon running in the foreground inside a namespace, its output in a log file. */
final class PeerDaemon implements AutoCloseable {
    private final List<String> command;
    private final Path log;
    private Process process;

    private PeerDaemon(List<String> command, Path log) {
        this.command = command;
        this.log = log;
    }

    static PeerDaemon start(TestNamespace namespace, Path log, String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace.name()));
        full.addAll(List.of(command));
        PeerDaemon daemon = new PeerDaemon(full, log);
        daemon.start();
        return daemon;
    }

    void start() {
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Stops the daemon (SIGTERM, then SIGKILL after 5 s). */
    @Override
    public void close() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
