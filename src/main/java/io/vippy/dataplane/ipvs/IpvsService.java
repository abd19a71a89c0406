package io.vippy.dataplane.ipvs;

import io.vippy.core.model.Addresses;
import java.net.InetAddress;

/**
 * An IPVS virtual service identified by address, protocol and port (fwmark services are not Vippy's).
 * {@code flags} are {@code IP_VS_SVC_F_*} settings (persistence, sh/mh options); {@code timeout} is
 * the persistence timeout in seconds. {@code stats} is filled only in what the kernel reports.
 */
public record IpvsService(InetAddress address, int protocol, int port, String scheduler, int flags, int timeout,
                          IpvsStats stats) {

    /** A service as Vippy programs it: no persistence, no scheduler flags. */
    public static IpvsService of(InetAddress address, int protocol, int port, String scheduler) {
        return new IpvsService(address, protocol, port, scheduler, 0, 0, IpvsStats.NONE);
    }

    /** Same address, protocol and port. */
    public boolean sameIdentity(IpvsService other) {
        return address.equals(other.address) && protocol == other.protocol && port == other.port;
    }

    /** Same settings, ignoring counters and the kernel's internal HASHED flag. */
    public boolean sameSettings(IpvsService other) {
        return sameIdentity(other) && scheduler.equals(other.scheduler)
                && (flags & ~IpvsConstants.SVC_F_HASHED) == (other.flags & ~IpvsConstants.SVC_F_HASHED)
                && timeout == other.timeout;
    }

    @Override
    public String toString() {
        String name = protocol == 6 ? "TCP" : protocol == 17 ? "UDP" : "proto " + protocol;
        return name + " " + Addresses.endpoint(address, port) + " " + scheduler;
    }
}
