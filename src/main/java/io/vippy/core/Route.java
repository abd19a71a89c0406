package io.vippy.core;

import io.vippy.core.model.Addresses;
import java.net.InetAddress;
import java.util.Set;

/** A host route (/32 or /128) to advertise, with BGP communities as {@code (asn << 16) | value}. */
public record Route(InetAddress address, Set<Long> communities) {

    /** RFC 8326 GRACEFUL_SHUTDOWN, sent before a planned withdrawal so peers move traffic away first. */
    public static final long GRACEFUL_SHUTDOWN = 0xFFFF0000L;

    public Route {
        communities = Set.copyOf(communities);
    }

    public static Route of(InetAddress address) {
        return new Route(address, Set.of());
    }

    @Override
    public String toString() {
        return Addresses.format(address) + (communities.isEmpty() ? "" : " " + communities);
    }
}
