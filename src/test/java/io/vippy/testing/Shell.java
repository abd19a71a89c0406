package io.vippy.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command with a time limit and returns its exit code and output (stdout and stderr together). */
public final class Shell {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private Shell() {
    }

    public record Result(List<String> command, int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** The output, or an AssertionError naming the command when it failed. */
        public String orThrow() {
            if (exitCode != 0) {
                throw new AssertionError(String.join(" ", command) + " exited " + exitCode + ":\n" + output);
            }
            return output;
        }
    }

    public static Result run(String... command) {
        return run(DEFAULT_TIMEOUT, command);
    }

    public static Result run(Duration timeout, String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[][] output = new byte[1][];
            Thread reader = new Thread(() -> {
                try {
                    output[0] = process.getInputStream().readAllBytes();
                } catch (IOException e) {
                    output[0] = new byte[0];
                }
            });
            reader.setDaemon(true);
            reader.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                reader.join(1000);
                return new Result(List.of(command), -1, "timed out after " + timeout + "\n" + text(output[0]));
            }
            reader.join(5000);
            return new Result(List.of(command), process.exitValue(), text(output[0]));
        } catch (IOException e) {
            return new Result(List.of(command), -1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + String.join(" ", command), e);
        }
    }

    /** Runs {@code sh -c script}. */
    public static Result sh(String script) {
        return run("sh", "-c", script);
    }

    private static String text(byte[] bytes) {
        return bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8);
    }
}
