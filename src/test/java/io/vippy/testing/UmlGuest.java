package io.vippy.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One boot of the IPVS rig's user-mode Linux kernel (src/test/uml/): it runs a {@code cmd.sh} in a fresh
 * {@code target/PREFIX*} work directory, which the guest sees at the same path (its root is the host's), and
 * powers off. Tests write what the guest should do, then read what it left in the work directory.
 */
public final class UmlGuest {
    private static final Path UML_SCRIPTS = Path.of("src/test/uml").toAbsolutePath();

    private final Path work;
    private final String output;

    private UmlGuest(Path work, String output) {
        this.work = work;
        this.output = output;
    }

    /** Boots the guest to run {@code script} (a shell script run from the work directory); fails if it fails. */
    public static UmlGuest run(String prefix, String script, Duration timeout, String memory) {
        RootOnly.requireTool("apt-get");
        RootOnly.requireTool("dpkg");
        String prepared = Shell.run(Duration.ofMinutes(5), UML_SCRIPTS.resolve("prepare-uml.sh").toString()).orThrow();
        String cache = prepared.strip().lines().reduce((first, last) -> last).orElseThrow();
        try {
            Files.createDirectories(Path.of("target"));
            Path work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), prefix);
            Files.writeString(work.resolve("cmd.sh"), script);
            Shell.Result result = Shell.run(timeout.plusSeconds(10), UML_SCRIPTS.resolve("run-uml.sh").toString(),
                    cache, work.toString(), Long.toString(timeout.toSeconds()), memory);
            UmlGuest guest = new UmlGuest(work, result.output() + "\n--- guest.log\n" + read(work, "guest.log"));
            if (!result.ok()) {
                throw new AssertionError("the UML guest exited " + result.exitCode() + ":\n" + guest.output);
            }
            return guest;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The console and the guest's {@code guest.log}, for failure messages. */
    public String output() {
        return output;
    }

    public Path work() {
        return work;
    }

    /** A file the guest left in the work directory; empty if it left none. */
    public String read(String file) {
        return read(work, file);
    }

    private static String read(Path work, String file) {
        try {
            Path path = work.resolve(file);
            return Files.exists(path) ? Files.readString(path) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
