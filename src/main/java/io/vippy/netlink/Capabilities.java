package io.vippy.netlink;

import io.quarkus.runtime.configuration.ConfigurationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's effective capabilities ({@code CapEff} in {@code /proc/self/status}). Vippy's kernel calls need
 * CAP_NET_ADMIN; without it every one fails with EPERM, so start-up says so once instead.
 */
final class Capabilities {
    static final int CAP_NET_ADMIN = 12;
    private static final Path STATUS = Path.of("/proc/self/status");

    private Capabilities() {
    }

    static void requireNetAdmin() {
        if (!effective().testBit(CAP_NET_ADMIN)) {
            // A ConfigurationException is printed as its message alone: one line, no stack trace.
            throw new ConfigurationException("Vippy needs CAP_NET_ADMIN to program the kernel: run it as root,"
                    + " or grant the capability as deploy/vippy.service does (AmbientCapabilities=CAP_NET_ADMIN)");
        }
    }

    static BigInteger effective() {
        try {
            return Files.readAllLines(STATUS).stream().filter(line -> line.startsWith("CapEff:"))
                    .map(line -> new BigInteger(line.substring("CapEff:".length()).trim(), 16))
                    .findFirst().orElseThrow(() -> new IllegalStateException(STATUS + " has no CapEff line"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
