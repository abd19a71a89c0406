package io.vippy.dataplane.ipvs;

import static io.vippy.dataplane.ipvs.IpvsConstants.*;

import io.vippy.netlink.GenericNetlink;
import io.vippy.netlink.NetlinkAttributes;
import io.vippy.netlink.NetlinkDecodingException;
import io.vippy.netlink.NetlinkMessage;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

/** Parses the kernel's IPVS answers: NEW_SERVICE and NEW_DEST messages of GET replies and dumps. */
final class IpvsMessageDecoder {
    private IpvsMessageDecoder() {
    }

    /** The service in a NEW_SERVICE message; empty for a fwmark service, which has no address. */
    static Optional<IpvsService> decodeService(NetlinkMessage message) {
        expectCommand(message, CMD_NEW_SERVICE);
        NetlinkAttributes service = GenericNetlink.attributes(message).nested(CMD_ATTR_SERVICE);
        if (service.has(SVC_ATTR_FWMARK) && !service.has(SVC_ATTR_ADDR)) {
            return Optional.empty();
        }
        int family = service.u16(SVC_ATTR_AF);
        int flags = service.has(SVC_ATTR_FLAGS) ? service.u32(SVC_ATTR_FLAGS) : 0;
        return Optional.of(new IpvsService(
                address(family, service.bytes(SVC_ATTR_ADDR)),
                service.u16(SVC_ATTR_PROTOCOL),
                service.u16BigEndian(SVC_ATTR_PORT),
                service.string(SVC_ATTR_SCHED_NAME),
                flags,
                service.has(SVC_ATTR_TIMEOUT) ? service.u32(SVC_ATTR_TIMEOUT) : 0,
                stats(service, SVC_ATTR_STATS64, SVC_ATTR_STATS)));
    }

    /** The destination in a NEW_DEST message; {@code serviceFamily} applies when the kernel omits its own. */
    static IpvsDestination decodeDestination(NetlinkMessage message, int serviceFamily) {
        expectCommand(message, CMD_NEW_DEST);
        NetlinkAttributes destination = GenericNetlink.attributes(message).nested(CMD_ATTR_DEST);
        int family = destination.has(DEST_ATTR_ADDR_FAMILY) ? destination.u16(DEST_ATTR_ADDR_FAMILY) : serviceFamily;
        return new IpvsDestination(
                address(family, destination.bytes(DEST_ATTR_ADDR)),
                destination.u16BigEndian(DEST_ATTR_PORT),
                IpvsForwarding.ofWireValue(destination.u32(DEST_ATTR_FWD_METHOD)),
                destination.u32(DEST_ATTR_WEIGHT),
                destination.has(DEST_ATTR_U_THRESH) ? destination.u32(DEST_ATTR_U_THRESH) : 0,
                destination.has(DEST_ATTR_L_THRESH) ? destination.u32(DEST_ATTR_L_THRESH) : 0,
                destination.has(DEST_ATTR_ACTIVE_CONNS) ? destination.u32(DEST_ATTR_ACTIVE_CONNS) : 0,
                destination.has(DEST_ATTR_INACT_CONNS) ? destination.u32(DEST_ATTR_INACT_CONNS) : 0,
                stats(destination, DEST_ATTR_STATS64, DEST_ATTR_STATS));
    }

    /** STATS64 where the kernel sends it, else the older STATS (32-bit packet and connection counts). */
    private static IpvsStats stats(NetlinkAttributes parent, int stats64, int stats32) {
        int type = parent.has(stats64) ? stats64 : stats32;
        if (!parent.has(type)) {
            return IpvsStats.NONE;
        }
        NetlinkAttributes stats = parent.nested(type);
        return new IpvsStats(
                counter(stats, STATS_ATTR_CONNS),
                counter(stats, STATS_ATTR_INPKTS),
                counter(stats, STATS_ATTR_OUTPKTS),
                counter(stats, STATS_ATTR_INBYTES),
                counter(stats, STATS_ATTR_OUTBYTES));
    }

    private static long counter(NetlinkAttributes stats, int type) {
        return stats.has(type) ? stats.unsigned(type) : 0;
    }

    /** IPVS sends a 16-byte union nf_inet_addr; IPv4 is its first 4 bytes. */
    static InetAddress address(int family, byte[] raw) {
        int length = switch (family) {
            case AF_INET -> 4;
            case AF_INET6 -> 16;
            default -> throw new NetlinkDecodingException("IPVS address family " + family + " is neither IPv4 nor IPv6");
        };
        if (raw.length < length) {
            throw new NetlinkDecodingException("IPVS address of family " + family + " has only " + raw.length + " bytes");
        }
        try {
            return InetAddress.getByAddress(Arrays.copyOf(raw, length));
        } catch (UnknownHostException e) {
            throw new NetlinkDecodingException("IPVS address: " + e.getMessage());
        }
    }

    private static void expectCommand(NetlinkMessage message, int command) {
        int actual = GenericNetlink.command(message);
        if (actual != command) {
            throw new NetlinkDecodingException("expected IPVS command " + command + ", got " + actual);
        }
    }
}
