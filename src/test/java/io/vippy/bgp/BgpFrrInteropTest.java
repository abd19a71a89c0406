package io.vippy.bgp;

import static io.vippy.bgp.BgpTopology.TOR_IPV4;
import static io.vippy.bgp.BgpTopology.TOR_IPV6;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vippy.bgp.session.BgpSessionOptions;
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

/** The speaker in {@code lbnode} against FRR in {@code tor}: routes must reach the ToR's kernel table. */
class BgpFrrInteropTest {
    static final String FRR_TOR = """
            frr defaults datacenter
            hostname tor
            log stdout informational
            !
            router bgp 65530
             bgp router-id 192.168.100.1
             no bgp ebgp-requires-policy
             neighbor 192.168.100.2 remote-as 65000
             neighbor 192.168.100.2 password s3cret
             neighbor 192.168.100.2 timers 3 9
             neighbor fd00:100::2 remote-as 65000
             neighbor fd00:100::2 timers 3 9
             !
             address-family ipv4 unicast
              neighbor 192.168.100.2 activate
              no neighbor fd00:100::2 activate
             exit-address-family
             address-family ipv6 unicast
              neighbor fd00:100::2 activate
             exit-address-family
            !
            """;
    static final Duration PROMPTLY = Duration.ofSeconds(5);

    private BgpTopology topology;
    private Frr frr;
    private BgpSpeaker speaker;

    @BeforeEach
    void setUp() {
        RootOnly.assumeRoot();
        RootOnly.requireTool("vtysh");
        topology = BgpTopology.create();
    }

    @AfterEach
    void tearDown() {
        if (speaker != null) {
            speaker.shutdown(Duration.ofSeconds(2));
        }
        if (frr != null) {
            frr.close();
        }
        if (topology != null) {
            topology.close();
        }
    }

    @Test
    void md5Ipv4AndPlainIpv6RoutesReachTheToRKernelTable() {
        frr = new Frr(topology, topology.tor, FRR_TOR);
        speaker = new BgpSpeaker(BgpSessionOptions.DEFAULTS, NetworkNamespace.named(topology.lbnode.name()));
        speaker.start(List.of(BgpTestSupport.neighbor(TOR_IPV4, 179, Optional.of("s3cret"), 0),
                BgpTestSupport.neighbor(TOR_IPV6, 179, Optional.empty(), 0)));
        BgpTestSupport.awaitEstablished(speaker, 2);

        speaker.announce(Set.of(Route.of(BgpTestSupport.ip("203.0.113.10")), Route.of(BgpTestSupport.ip("2001:db8::10"))));
        Awaitility.await("/32 and /128 in the ToR's kernel").atMost(PROMPTLY).pollInterval(Duration.ofMillis(20))
                .until(() -> frr.kernelHasRoute("203.0.113.10") && frr.kernelHasRoute("2001:db8::10"));
        String route = topology.tor.exec("ip", "route", "show", "203.0.113.10").output();
        assertTrue(route.contains("via 192.168.100.2"), route);

        speaker.announce(Set.of(Route.of(BgpTestSupport.ip("2001:db8::10"))));
        Awaitility.await("/32 withdrawn").atMost(PROMPTLY).pollInterval(Duration.ofMillis(20))
                .until(() -> !frr.kernelHasRoute("203.0.113.10"));

        speaker.shutdown(Duration.ofSeconds(5));
        Awaitility.await("/128 withdrawn on shutdown").atMost(PROMPTLY).pollInterval(Duration.ofMillis(20))
                .until(() -> !frr.kernelHasRoute("2001:db8::10"));
    }
}
