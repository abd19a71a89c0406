package io.vippy.bgp.codec;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Optional;

/** The AFI/SAFI pairs this speaker knows (RFC 4760): IPv4 and IPv6 unicast. */
public enum BgpAddressFamily {
    IPV4_UNICAST(1, 1, 4),
    IPV6_UNICAST(2, 1, 16);

    private final int afi;
    private final int safi;
    private final int addressBytes;

    BgpAddressFamily(int afi, int safi, int addressBytes) {
        this.afi = afi;
        this.safi = safi;
        this.addressBytes = addressBytes;
    }

    public int afi() {
        return afi;
    }

    public int safi() {
        return safi;
    }

    public int addressBytes() {
        return addressBytes;
    }

    public static Optional<BgpAddressFamily> fromWire(int afi, int safi) {
        for (BgpAddressFamily family : values()) {
            if (family.afi == afi && family.safi == safi) {
                return Optional.of(family);
            }
        }
        return Optional.empty();
    }

    public static BgpAddressFamily of(InetAddress address) {
        return address instanceof Inet4Address ? IPV4_UNICAST : IPV6_UNICAST;
    }
}
