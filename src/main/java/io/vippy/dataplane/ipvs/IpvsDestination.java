package io.vippy.dataplane.ipvs;

import io.vippy.core.model.Addresses;
import java.net.InetAddress;

/**
 * A real server of an IPVS service. Thresholds of 0 mean no limit. Connection counts and {@code stats}
 * are filled only in what the kernel reports.
 */
public record IpvsDestination(InetAddress address, int port, IpvsForwarding forwarding, int weight,
                              int upperThreshold, int lowerThreshold, int activeConnections,
                              int inactiveConnections, IpvsStats stats) {

    /** A NAT real server as Vippy programs it. */
    public static IpvsDestination masquerade(InetAddress address, int port, int weight) {
        return new IpvsDestination(address, port, IpvsForwarding.MASQ, weight, 0, 0, 0, 0, IpvsStats.NONE);
    }

    public boolean sameIdentity(IpvsDestination other) {
        return address.equals(other.address) && port == other.port;
    }

    /** Same settings, ignoring counters. */
    public boolean sameSettings(IpvsDestination other) {
        return sameIdentity(other) && forwarding == other.forwarding && weight == other.weight
                && upperThreshold == other.upperThreshold && lowerThreshold == other.lowerThreshold;
    }

    @Override
    public String toString() {
        return Addresses.endpoint(address, port) + " " + forwarding + " weight " + weight;
    }
}
