package io.vippy.dataplane.ipvs;

import io.vippy.netlink.GenericNetlink;
import io.vippy.netlink.NativeException;
import io.vippy.netlink.NetlinkSocket;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Whether the kernel has IPVS: its generic netlink family exists, or {@code /proc/net/ip_vs} does. When
 * neither, IPVS may still be an unloaded module, so {@code modprobe ip_vs} is tried once. A lookup that fails
 * otherwise than with "no such family" throws: it says nothing about IPVS.
 */
final class IpvsAvailability {
    private static final Path PROC_IP_VS = Path.of("/proc/net/ip_vs");
    private static final Path MODPROBE = Path.of("/sbin/modprobe");

    private IpvsAvailability() {
    }

    static boolean check() {
        if (familyExists() || Files.exists(PROC_IP_VS)) {
            return true;
        }
        return loadModule() && familyExists();
    }

    /** Only ENOENT from the family lookup means "not there"; EPERM and the like are errors, not an answer. */
    private static boolean familyExists() {
        try (NetlinkSocket socket = NetlinkSocket.open(NetlinkSocket.NETLINK_GENERIC)) {
            GenericNetlink.resolveFamily(socket, IpvsConstants.FAMILY_NAME);
            return true;
        } catch (NativeException e) {
            if (e.errno() == NativeException.ENOENT) {
                return false;
            }
            throw e;
        }
    }

    private static boolean loadModule() {
        if (!Files.isExecutable(MODPROBE)) {
            return false;
        }
        try {
            Process process = new ProcessBuilder(MODPROBE.toString(), "-q", "ip_vs")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return false;
            }
            return process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
