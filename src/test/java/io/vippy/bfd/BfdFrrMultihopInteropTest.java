package io.vippy.bfd;

import static io.vippy.bgp.BgpTopology.LB_IPV4;
import static io.vippy.bgp.BgpTopology.TOR_LOOPBACK_IPV4;

import io.vippy.bgp.BgpTopology;
import io.vippy.core.BgpNeighbor;
import java.util.Optional;

/**
 * The FRR interop tests over multihop BFD (RFC 5883, UDP 4784), peered as with Equinix Metal's 169.254.255.1:
 * FRR's address is on the ToR's {@code lo}, one router away from {@code lbnode}, so every packet loses one TTL on
 * the way; BGP is eBGP multihop from that address on both sides, and bfdd has a multihop peer for it.
 */
class BfdFrrMultihopInteropTest extends BfdFrrInteropTest {
    /** vippy.bgp.multihop=2: the router between us is one hop, so BFD packets must arrive with TTL 254 or more. */
    static final int MULTIHOP_TTL = 2;
    static final String BGPD_MULTIHOP = """
            frr defaults datacenter
            hostname tor
            log stdout informational
            !
            router bgp 65530
             bgp router-id 169.254.255.1
             no bgp ebgp-requires-policy
             neighbor 192.168.100.2 remote-as 65000
             neighbor 192.168.100.2 timers 30 90
             neighbor 192.168.100.2 ebgp-multihop 2
             neighbor 192.168.100.2 update-source 169.254.255.1
             neighbor 192.168.100.2 bfd
             address-family ipv4 unicast
              neighbor 192.168.100.2 activate
             exit-address-family
            !
            """;
    static final String BFDD_MULTIHOP = """
            hostname tor
            log stdout informational
            !
            bfd
             peer 192.168.100.2 multihop local-address 169.254.255.1
              detect-multiplier 3
              receive-interval 300
              transmit-interval 300
              minimum-ttl 254
             !
            !
            """;

    @Override
    BgpTopology createTopology() {
        return BgpTopology.createRouted("vbfdm");
    }

    @Override
    String bgpdConfig() {
        return BGPD_MULTIHOP;
    }

    @Override
    String bfddConfig() {
        return BFDD_MULTIHOP;
    }

    @Override
    BgpNeighbor torNeighbor() {
        return BfdTestSupport.neighbor(TOR_LOOPBACK_IPV4, Optional.of(LB_IPV4), MULTIHOP_TTL);
    }

    /** 254 would be accepted from a direct neighbour; the router makes it 253, below the 254 that multihop 2 allows. */
    @Override
    int tooLowTtl() {
        return 254;
    }
}
