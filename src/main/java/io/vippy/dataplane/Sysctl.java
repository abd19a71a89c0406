package io.vippy.dataplane;

import io.vippy.core.model.IpFamily;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Kernel settings both dataplanes need. Written from the kernel thread, because {@code /proc/sys/net} shows
 * the network namespace of the thread that opens it.
 */
public final class Sysctl {
    private Sysctl() {
    }

    /** Routes load-balanced traffic on to the backends. */
    public static void enableForwarding(IpFamily family) {
        ensure(Path.of(family == IpFamily.IPV4 ? "/proc/sys/net/ipv4/ip_forward" : "/proc/sys/net/ipv6/conf/all/forwarding"),
                "1");
    }

    /** Writes {@code value} unless the setting already has it, so an unchanged host sees no write. */
    public static void ensure(Path setting, String value) {
        try {
            if (!Files.readString(setting).strip().equals(value)) {
                Files.writeString(setting, value);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set " + setting + " to " + value + ": " + e.getMessage(), e);
        }
    }
}
