package io.vippy.dataplane.ipvs;

import io.vippy.netlink.NetlinkDecodingException;

/** How IPVS hands a connection to a real server ({@code IP_VS_CONN_F_*} forwarding methods). */
public enum IpvsForwarding {
    /** NAT: the director rewrites the destination ("Masq" in ipvsadm). Vippy uses only this. */
    MASQ(0),
    LOCAL_NODE(1),
    TUNNEL(2),
    DIRECT_ROUTE(3);

    private final int wireValue;

    IpvsForwarding(int wireValue) {
        this.wireValue = wireValue;
    }

    public int wireValue() {
        return wireValue;
    }

    public static IpvsForwarding ofWireValue(int value) {
        int method = value & IpvsConstants.FWD_METHOD_MASK;
        for (IpvsForwarding forwarding : values()) {
            if (forwarding.wireValue == method) {
                return forwarding;
            }
        }
        throw new NetlinkDecodingException("unknown IPVS forwarding method " + method);
    }
}
