package io.vippy.netlink;

import java.net.Inet4Address;
import java.net.InetAddress;

/** Builds the rtnetlink requests the address binder sends ({@code linux/rtnetlink.h}, {@code if_addr.h}). */
final class RtnetlinkEncoder {
    static final int RTM_NEWLINK = 16;
    static final int RTM_NEWADDR = 20;
    static final int RTM_DELADDR = 21;
    static final int RTM_GETADDR = 22;
    static final int IFA_ADDRESS = 1;
    static final int IFA_LOCAL = 2;
    static final int IFA_F_NODAD = 0x02;
    static final int IFF_UP = 0x1;
    static final int AF_UNSPEC = 0;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    /** RT_SCOPE_UNIVERSE: the address is usable from anywhere, as `ip addr add` gives a non-127 address. */
    static final int SCOPE_GLOBAL = 0;

    private RtnetlinkEncoder() {
    }

    /** RTM_NEWADDR with CREATE|EXCL: a host address (/32 or /128) on the interface; EEXIST if present. */
    static NetlinkMessageBuilder newHostAddress(InetAddress address, int interfaceIndex) {
        NetlinkMessageBuilder message = new NetlinkMessageBuilder(RTM_NEWADDR,
                NetlinkConstants.NLM_F_CREATE | NetlinkConstants.NLM_F_EXCL);
        return hostAddress(message, address, interfaceIndex);
    }

    /** RTM_DELADDR of a host address; EADDRNOTAVAIL if absent. */
    static NetlinkMessageBuilder deleteHostAddress(InetAddress address, int interfaceIndex) {
        return hostAddress(new NetlinkMessageBuilder(RTM_DELADDR, 0), address, interfaceIndex);
    }

    private static NetlinkMessageBuilder hostAddress(NetlinkMessageBuilder message, InetAddress address,
            int interfaceIndex) {
        boolean v4 = address instanceof Inet4Address;
        // struct ifaddrmsg { u8 family; u8 prefixlen; u8 flags; u8 scope; u32 index; }
        message.put8(v4 ? AF_INET : AF_INET6)
                .put8(v4 ? 32 : 128)
                .put8(v4 ? 0 : IFA_F_NODAD)
                .put8(SCOPE_GLOBAL)
                .put32(interfaceIndex);
        return message.attribute(IFA_LOCAL, address.getAddress()).attribute(IFA_ADDRESS, address.getAddress());
    }

    /** RTM_GETADDR dump of every address of one family (AF_UNSPEC: both). */
    static NetlinkMessageBuilder getAddresses(int family) {
        return new NetlinkMessageBuilder(RTM_GETADDR, 0).put8(family).put8(0).put8(0).put8(0).put32(0);
    }

    /** RTM_NEWLINK that sets IFF_UP and changes nothing else. */
    static NetlinkMessageBuilder setLinkUp(int interfaceIndex) {
        // struct ifinfomsg { u8 family; u8 pad; u16 type; s32 index; u32 flags; u32 change; }
        return new NetlinkMessageBuilder(RTM_NEWLINK, 0)
                .put8(AF_UNSPEC)
                .put8(0)
                .put16(0)
                .put32(interfaceIndex)
                .put32(IFF_UP)
                .put32(IFF_UP);
    }
}
