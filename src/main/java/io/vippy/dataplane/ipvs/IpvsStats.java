package io.vippy.dataplane.ipvs;

/** IPVS traffic counters of a service or destination, as the kernel reports them. */
public record IpvsStats(long connections, long inPackets, long outPackets, long inBytes, long outBytes) {
    public static final IpvsStats NONE = new IpvsStats(0, 0, 0, 0, 0);
}
