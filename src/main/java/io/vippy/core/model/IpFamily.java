package io.vippy.core.model;

import java.net.Inet4Address;
import java.net.InetAddress;

/** Address family of a load balancer's public address. */
public enum IpFamily {
    IPV4(32),
    IPV6(128);

    private final int hostPrefixLength;

    IpFamily(int hostPrefixLength) {
        this.hostPrefixLength = hostPrefixLength;
    }

    /** 32 or 128: the prefix length of one host route. */
    public int hostPrefixLength() {
        return hostPrefixLength;
    }

    public String wireName() {
        return WireNames.of(this);
    }

    public static IpFamily of(InetAddress address) {
        return address instanceof Inet4Address ? IPV4 : IPV6;
    }

    public static IpFamily parse(String text) {
        return WireNames.parse(IpFamily.class, text, "ipFamily");
    }
}
