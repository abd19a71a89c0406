package io.vippy.bfd;

import static io.vippy.bgp.BgpTopology.LB_IPV4;
import static io.vippy.bgp.BgpTopology.TOR_LOOPBACK_IPV4;

import io.vippy.bgp.BgpTopology;
import io.vippy.core.BgpNeighbor;
import java.util.Optional;

/**
 * The BIRD interop test over multihop BFD (RFC 5883, UDP 4784): BIRD's address is on the ToR's {@code lo}, one
 * router away from {@code lbnode}; its BGP session is multihop and asks {@code protocol bfd} for a multihop session.
 */
class BfdBirdMultihopInteropTest extends BfdBirdInteropTest {
    /**
     * BIRD sends multihop BFD with the system's default TTL, 64 (FRR sends 255), so it arrives here with 63: Vippy
     * accepts that only with vippy.bgp.multihop of 193 or more (TTL at least 256 - multihop). 255 accepts any TTL.
     */
    static final int MULTIHOP_TTL = 255;
    static final String BIRD_TOR_MULTIHOP = """
            log stderr all;
            router id 169.254.255.1;
            protocol device { }
            protocol bfd {
              multihop { interval 300 ms; multiplier 3; };
            }
            protocol bgp lb {
              local 169.254.255.1 as 65530;
              neighbor 192.168.100.2 as 65000;
              multihop 2;
              passive on;
              hold time 90;
              # accept the reconnection after a BFD teardown at once, not after the default 60 s
              error wait time 1, 2;
              bfd on;
              ipv4 { import all; export none; };
            }
            """;

    @Override
    BgpTopology createTopology() {
        return BgpTopology.createRouted("vbfdm");
    }

    @Override
    String birdConfig() {
        return BIRD_TOR_MULTIHOP;
    }

    @Override
    BgpNeighbor torNeighbor() {
        return BfdTestSupport.neighbor(TOR_LOOPBACK_IPV4, Optional.of(LB_IPV4), MULTIHOP_TTL);
    }
}
