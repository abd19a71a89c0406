package io.vippy.bgp;

import static io.vippy.bgp.BgpTopology.TOR_IPV4;
import static io.vippy.bgp.BgpTopology.TOR_IPV6;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vippy.bgp.session.BgpSessionOptions;
import io.vippy.core.BgpNeighbor;
import io.vippy.core.Route;
import io.vippy.netlink.NetworkNamespace;
import io.vippy.testing.RootOnly;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The speaker in {@code lbnode} against gobgpd in {@code tor}, over IPv4 and IPv6, with and without MD5. */
class BgpGoBgpInteropTest {
    static final String GOBGPD_TOR = """
            [global.config]
              as = 65530
              router-id = "192.168.100.1"
              port = 179
              local-address-list = ["192.168.100.1", "fd00:100::1"]

            [[neighbors]]
              [neighbors.config]
                neighbor-address = "192.168.100.2"
                peer-as = 65000
                PASSWORD
              [neighbors.transport.config]
                passive-mode = true
              [[neighbors.afi-safis]]
                [neighbors.afi-safis.config]
                  afi-safi-name = "ipv4-unicast"

            [[neighbors]]
              [neighbors.config]
                neighbor-address = "fd00:100::2"
                peer-as = 65000
              [neighbors.transport.config]
                passive-mode = true
              [[neighbors.afi-safis]]
                [neighbors.afi-safis.config]
                  afi-safi-name = "ipv6-unicast"
            """;
    static final Duration PROMPTLY = Duration.ofSeconds(5);

    private BgpTopology topology;
    private GoBgp gobgp;
    private BgpSpeaker speaker;

    @BeforeEach
    void setUp() {
        RootOnly.assumeRoot();
        RootOnly.requireTool("gobgpd");
        RootOnly.requireTool("gobgp");
        topology = BgpTopology.create();
    }

    @AfterEach
    void tearDown() {
        if (speaker != null) {
            speaker.shutdown(Duration.ofSeconds(2));
        }
        if (gobgp != null) {
            gobgp.close();
        }
        if (topology != null) {
            topology.close();
        }
    }

    private void startSpeaker(BgpNeighbor... neighbors) {
        speaker = new BgpSpeaker(BgpSessionOptions.DEFAULTS, NetworkNamespace.named(topology.lbnode.name()));
        speaker.start(List.of(neighbors));
    }

    @Test
    void announcesAndWithdrawsIpv4AndIpv6Promptly() {
        gobgp = new GoBgp(topology, topology.tor, GOBGPD_TOR.replace("PASSWORD", ""));
        startSpeaker(BgpTestSupport.neighbor(TOR_IPV4, 179, Optional.empty(), 0),
                BgpTestSupport.neighbor(TOR_IPV6, 179, Optional.empty(), 0));
        BgpTestSupport.awaitEstablished(speaker, 2);

        speaker.announce(Set.of(Route.of(BgpTestSupport.ip("203.0.113.10")), Route.of(BgpTestSupport.ip("2001:db8::10"))));
        Awaitility.await("/32 and /128 at gobgpd").atMost(PROMPTLY).pollInterval(Duration.ofMillis(20))
                .until(() -> gobgp.hasRoute("203.0.113.10/32") && gobgp.hasRoute("2001:db8::10/128"));
        String rib = gobgp.gobgp("global", "rib", "-a", "ipv6");
        assertTrue(rib.contains("fd00:100::2") && rib.contains("65000"), rib);

        speaker.announce(Set.of(Route.of(BgpTestSupport.ip("2001:db8::10"))));
        Awaitility.await("/32 withdrawn").atMost(PROMPTLY).pollInterval(Duration.ofMillis(20))
                .until(() -> !gobgp.hasRoute("203.0.113.10/32"));

        speaker.shutdown(Duration.ofSeconds(5));
        Awaitility.await("/128 withdrawn on shutdown").atMost(PROMPTLY).pollInterval(Duration.ofMillis(20))
                .until(() -> !gobgp.hasRoute("2001:db8::10/128"));
    }

    @Test
    void md5Session() {
        gobgp = new GoBgp(topology, topology.tor, GOBGPD_TOR.replace("PASSWORD", "auth-password = \"s3cret\""));
        startSpeaker(BgpTestSupport.neighbor(TOR_IPV4, 179, Optional.of("s3cret"), 0));
        speaker.announce(Set.of(Route.of(BgpTestSupport.ip("203.0.113.10"))));
        Awaitility.await("route over MD5").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> gobgp.hasRoute("203.0.113.10/32"));
        assertTrue(gobgp.isEstablished(BgpTopology.LB_IPV4), gobgp.gobgp("neighbor"));
    }
}
