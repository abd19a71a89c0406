package io.vippy.dataplane.ipvs;

/** Wire constants of the IPVS generic netlink family ({@code linux/ip_vs.h}). */
final class IpvsConstants {
    static final String FAMILY_NAME = "IPVS";
    static final int VERSION = 1;

    static final int CMD_NEW_SERVICE = 1;
    static final int CMD_SET_SERVICE = 2;
    static final int CMD_DEL_SERVICE = 3;
    static final int CMD_GET_SERVICE = 4;
    static final int CMD_NEW_DEST = 5;
    static final int CMD_SET_DEST = 6;
    static final int CMD_DEL_DEST = 7;
    static final int CMD_GET_DEST = 8;

    static final int CMD_ATTR_SERVICE = 1;
    static final int CMD_ATTR_DEST = 2;

    static final int SVC_ATTR_AF = 1;
    static final int SVC_ATTR_PROTOCOL = 2;
    static final int SVC_ATTR_ADDR = 3;
    static final int SVC_ATTR_PORT = 4;
    static final int SVC_ATTR_FWMARK = 5;
    static final int SVC_ATTR_SCHED_NAME = 6;
    static final int SVC_ATTR_FLAGS = 7;
    static final int SVC_ATTR_TIMEOUT = 8;
    static final int SVC_ATTR_NETMASK = 9;
    static final int SVC_ATTR_STATS = 10;
    static final int SVC_ATTR_STATS64 = 12;

    static final int DEST_ATTR_ADDR = 1;
    static final int DEST_ATTR_PORT = 2;
    static final int DEST_ATTR_FWD_METHOD = 3;
    static final int DEST_ATTR_WEIGHT = 4;
    static final int DEST_ATTR_U_THRESH = 5;
    static final int DEST_ATTR_L_THRESH = 6;
    static final int DEST_ATTR_ACTIVE_CONNS = 7;
    static final int DEST_ATTR_INACT_CONNS = 8;
    static final int DEST_ATTR_STATS = 10;
    static final int DEST_ATTR_ADDR_FAMILY = 11;
    static final int DEST_ATTR_STATS64 = 12;

    static final int STATS_ATTR_CONNS = 1;
    static final int STATS_ATTR_INPKTS = 2;
    static final int STATS_ATTR_OUTPKTS = 3;
    static final int STATS_ATTR_INBYTES = 4;
    static final int STATS_ATTR_OUTBYTES = 5;

    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    /** Set by the kernel on every service it holds; not a setting. */
    static final int SVC_F_HASHED = 0x0002;
    static final int FWD_METHOD_MASK = 0x7;

    private IpvsConstants() {
    }
}
