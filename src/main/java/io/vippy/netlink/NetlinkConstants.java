package io.vippy.netlink;

/** Wire constants of netlink framing ({@code linux/netlink.h}). */
final class NetlinkConstants {
    static final int HEADER_LENGTH = 16;
    static final int ATTRIBUTE_HEADER_LENGTH = 4;
    static final int ALIGNMENT = 4;
    /** The top two bits of nla_type are flags (NESTED, NET_BYTEORDER), not part of the type. */
    static final int ATTRIBUTE_TYPE_MASK = 0x3FFF;
    static final int ATTRIBUTE_NESTED = 0x8000;

    static final int NLMSG_NOOP = 1;
    static final int NLMSG_ERROR = 2;
    static final int NLMSG_DONE = 3;
    static final int NLMSG_OVERRUN = 4;

    static final int NLM_F_REQUEST = 0x01;
    static final int NLM_F_MULTI = 0x02;
    static final int NLM_F_ACK = 0x04;
    static final int NLM_F_DUMP_INTR = 0x10;
    static final int NLM_F_DUMP = 0x300;
    static final int NLM_F_EXCL = 0x200;
    static final int NLM_F_CREATE = 0x400;
    /** On NLMSG_ERROR: the echoed request carries its header only (NETLINK_CAP_ACK). */
    static final int NLM_F_CAPPED = 0x100;
    /** On NLMSG_ERROR: extended-ack attributes follow the echoed request (NETLINK_EXT_ACK). */
    static final int NLM_F_ACK_TLVS = 0x200;
    static final int NLMSGERR_ATTR_MSG = 1;

    private NetlinkConstants() {
    }

    static int align(int length) {
        return (length + ALIGNMENT - 1) & ~(ALIGNMENT - 1);
    }
}
