package io.vippy.bgp.codec;

import java.net.InetAddress;
import java.util.List;

/** MP_REACH_NLRI (RFC 4760 §3): reachable prefixes of another address family, with their next hop(s). */
public record BgpMpReach(BgpAddressFamily family, List<InetAddress> nextHops, List<BgpPrefix> nlri) {

    public BgpMpReach {
        nextHops = List.copyOf(nextHops);
        nlri = List.copyOf(nlri);
    }
}
