package io.vippy.core;

import java.net.InetAddress;
import java.util.Optional;

/**
 * One BGP session to open: the peer, both ASNs, and the transport options. Comes from configuration
 * ({@code vippy.bgp.*}) or from a {@link BgpNeighborDiscovery} such as the Equinix Metal API.
 *
 * @param multihopTtl 0 or 1 for directly connected peers, otherwise the eBGP multihop TTL
 * @param holdTimeSeconds 0, or 3 and more
 */
public record BgpNeighbor(
        InetAddress peerAddress,
        int peerPort,
        long peerAsn,
        long localAsn,
        Optional<InetAddress> routerId,
        Optional<InetAddress> sourceAddress,
        Optional<String> md5Password,
        int multihopTtl,
        int holdTimeSeconds) {
}
