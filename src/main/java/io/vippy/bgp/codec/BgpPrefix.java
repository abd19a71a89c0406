package io.vippy.bgp.codec;

import io.vippy.core.model.Addresses;
import java.net.InetAddress;

/** An IP prefix as NLRI carries it: an address and a length in bits. */
public record BgpPrefix(InetAddress address, int length) {

    public BgpPrefix {
        int bits = address.getAddress().length * 8;
        if (length < 0 || length > bits) {
            throw new IllegalArgumentException("prefix length " + length + " out of range 0.." + bits);
        }
    }

    /** A host route: /32 or /128. */
    public static BgpPrefix host(InetAddress address) {
        return new BgpPrefix(address, address.getAddress().length * 8);
    }

    public BgpAddressFamily family() {
        return BgpAddressFamily.of(address);
    }

    /** Bytes on the wire: the length octet plus the significant address octets. */
    public int encodedLength() {
        return 1 + (length + 7) / 8;
    }

    @Override
    public String toString() {
        return Addresses.format(address) + "/" + length;
    }
}
