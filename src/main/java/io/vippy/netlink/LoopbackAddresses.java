package io.vippy.netlink;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Lists the host addresses (/32, /128) on {@code lo} other than the loopback ones: the addresses Vippy's
 * {@link RtnetlinkAddressBinder} puts there.
 */
public final class LoopbackAddresses {
    /** struct ifaddrmsg: family, prefixlen, flags, scope (one byte each), then the u32 index. */
    private static final int IFADDRMSG_LENGTH = 8;

    private LoopbackAddresses() {
    }

    /** Reads them with the given NETLINK_ROUTE socket (which decides the namespace). */
    public static Set<InetAddress> list(NetlinkSocket routeSocket) {
        Set<InetAddress> addresses = new LinkedHashSet<>();
        for (NetlinkMessage message : routeSocket.dump(RtnetlinkEncoder.getAddresses(RtnetlinkEncoder.AF_UNSPEC),
                "list addresses")) {
            if (message.type() != RtnetlinkEncoder.RTM_NEWADDR || message.payload().length < IFADDRMSG_LENGTH) {
                continue;
            }
            ByteBuffer header = message.payloadBuffer();
            int prefixLength = Byte.toUnsignedInt(header.get(1));
            int index = header.getInt(4);
            NetlinkAttributes attributes = message.attributes(IFADDRMSG_LENGTH);
            int type = attributes.has(RtnetlinkEncoder.IFA_LOCAL) ? RtnetlinkEncoder.IFA_LOCAL : RtnetlinkEncoder.IFA_ADDRESS;
            if (index != RtnetlinkAddressBinder.LOOPBACK_INDEX || !attributes.has(type)) {
                continue;
            }
            InetAddress address = address(attributes.bytes(type));
            if (!address.isLoopbackAddress() && prefixLength == address.getAddress().length * 8) {
                addresses.add(address);
            }
        }
        return addresses;
    }

    private static InetAddress address(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new NetlinkDecodingException("address of " + raw.length + " bytes on lo");
        }
    }
}
