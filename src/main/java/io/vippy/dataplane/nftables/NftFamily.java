package io.vippy.dataplane.nftables;

import io.vippy.core.model.IpFamily;
import java.net.InetAddress;

/** The nftables table family Vippy uses per IP family: one {@code vippy} table each, never {@code inet}. */
enum NftFamily {
    IP("ip", "ipv4_addr"),
    IP6("ip6", "ipv6_addr");

    private final String wireName;
    private final String addressType;

    NftFamily(String wireName, String addressType) {
        this.wireName = wireName;
        this.addressType = addressType;
    }

    /** {@code ip} or {@code ip6}: the table family, and the payload protocol of addresses in rules. */
    String wireName() {
        return wireName;
    }

    /** {@code ipv4_addr} or {@code ipv6_addr}. */
    String addressType() {
        return addressType;
    }

    static NftFamily of(InetAddress address) {
        return IpFamily.of(address) == IpFamily.IPV4 ? IP : IP6;
    }

    static NftFamily parse(String wireName) {
        return wireName.equals("ip6") ? IP6 : IP;
    }
}
