package io.vippy.address.staticpool;

import io.vippy.core.model.Addresses;
import io.vippy.core.model.IpFamily;
import io.vippy.core.model.ValidationException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** An IPv4 or IPv6 prefix, as the range of host addresses it can hand out. */
record Cidr(InetAddress network, int prefixLength) {

    static Cidr parse(String text) {
        String trimmed = text.trim();
        int slash = trimmed.indexOf('/');
        if (slash < 0) {
            throw new ValidationException("\"" + trimmed + "\" is not a CIDR such as 203.0.113.0/24");
        }
        InetAddress address = Addresses.parseLiteral(trimmed.substring(0, slash), "the pool address");
        int bits = IpFamily.of(address).hostPrefixLength();
        int length;
        try {
            length = Integer.parseInt(trimmed.substring(slash + 1));
        } catch (NumberFormatException e) {
            length = -1;
        }
        if (length < 0 || length > bits) {
            throw new ValidationException("\"" + trimmed + "\" has a prefix length outside 0-" + bits);
        }
        BigInteger hostMask = BigInteger.ONE.shiftLeft(bits - length).subtract(BigInteger.ONE);
        BigInteger value = new BigInteger(1, address.getAddress());
        if (!value.and(hostMask).equals(BigInteger.ZERO)) {
            throw new ValidationException("\"" + trimmed + "\" has host bits set; did you mean "
                    + Addresses.format(toAddress(value.andNot(hostMask), bits)) + "/" + length + "?");
        }
        return new Cidr(address, length);
    }

    IpFamily family() {
        return IpFamily.of(network);
    }

    /**
     * The first usable address: IPv4 skips the network address and IPv6 the subnet-router anycast address,
     * which some hosts and routers treat specially. /31, /32, /127 and /128 use every address.
     */
    BigInteger first() {
        return base().add(hostCount().compareTo(BigInteger.TWO) > 0 ? BigInteger.ONE : BigInteger.ZERO);
    }

    /** The last usable address: IPv4 skips the broadcast address. */
    BigInteger last() {
        BigInteger end = base().add(hostCount()).subtract(BigInteger.ONE);
        boolean skipBroadcast = family() == IpFamily.IPV4 && hostCount().compareTo(BigInteger.TWO) > 0;
        return skipBroadcast ? end.subtract(BigInteger.ONE) : end;
    }

    boolean contains(InetAddress address) {
        if (IpFamily.of(address) != family()) {
            return false;
        }
        BigInteger value = new BigInteger(1, address.getAddress());
        return value.compareTo(base()) >= 0 && value.compareTo(base().add(hostCount())) < 0;
    }

    InetAddress addressAt(BigInteger value) {
        return toAddress(value, family().hostPrefixLength());
    }

    private BigInteger base() {
        return new BigInteger(1, network.getAddress());
    }

    private BigInteger hostCount() {
        return BigInteger.ONE.shiftLeft(family().hostPrefixLength() - prefixLength);
    }

    private static InetAddress toAddress(BigInteger value, int bits) {
        byte[] raw = value.toByteArray();
        byte[] bytes = new byte[bits / 8];
        int copy = Math.min(raw.length, bytes.length);
        System.arraycopy(raw, raw.length - copy, bytes, bytes.length - copy, copy);
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Override
    public String toString() {
        return Addresses.format(network) + "/" + prefixLength;
    }
}
