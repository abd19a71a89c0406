package io.vippy.bgp.codec;

import java.util.List;

/** MP_UNREACH_NLRI (RFC 4760 §4): withdrawn prefixes of another address family; empty means End-of-RIB. */
public record BgpMpUnreach(BgpAddressFamily family, List<BgpPrefix> withdrawn) {

    public BgpMpUnreach {
        withdrawn = List.copyOf(withdrawn);
    }
}
