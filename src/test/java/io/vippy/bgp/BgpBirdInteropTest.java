package io.vippy.bgp;

import static io.vippy.bgp.BgpTopology.LB_IPV4;
import static io.vippy.bgp.BgpTopology.TOR_IPV4;
import static io.vippy.bgp.BgpTopology.TOR_IPV6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vippy.bgp.codec.BgpNotificationMessage;
import io.vippy.bgp.codec.BgpOpenMessage;
import io.vippy.bgp.session.BgpSessionOptions;
import io.vippy.core.BgpNeighbor;
import io.vippy.core.PeerStatus;
import io.vippy.core.Route;
import io.vippy.netlink.NetworkNamespace;
import io.vippy.testing.RootOnly;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The speaker in {@code lbnode} against BIRD 2 in {@code tor}: the Equinix Metal pairing (AS 65000 to 65530). */
class BgpBirdInteropTest {
    static final String BIRD_TOR = """
            log stderr all;
            router id 192.168.100.1;
            protocol device { }
            protocol bgp lb {
              local 192.168.100.1 as 65530;
              neighbor 192.168.100.2 as 65000;
              passive on;
              hold time 9;
              keepalive time 3;
              PASSWORD
              ipv4 { import all; export none; };
            }
            protocol bgp lb6 {
              local fd00:100::1 as 65530;
              neighbor fd00:100::2 as 65000;
              passive on;
              hold time 9;
              keepalive time 3;
              ipv6 { import all; export none; };
            }
            """;
    static final Duration PROMPTLY = Duration.ofSeconds(5);
    static final Route VIP = Route.of(BgpTestSupport.ip("203.0.113.10"));
    static final Route VIP6 = Route.of(BgpTestSupport.ip("2001:db8::10"));

    private BgpTopology topology;
    private Bird bird;
    private BgpSpeaker speaker;

    @BeforeEach
    void setUp() {
        RootOnly.assumeRoot();
        RootOnly.requireTool("bird");
        RootOnly.requireTool("birdc");
        topology = BgpTopology.create();
    }

    @AfterEach
    void tearDown() {
        if (speaker != null) {
            speaker.shutdown(Duration.ofSeconds(2));
        }
        if (bird != null) {
            bird.close();
        }
        if (topology != null) {
            topology.close();
        }
    }

    private BgpSpeaker startSpeaker(BgpSessionOptions options, BgpNeighbor... neighbors) {
        BgpSpeaker started = new BgpSpeaker(options, NetworkNamespace.named(topology.lbnode.name()));
        started.start(List.of(neighbors));
        return started;
    }

    @Test
    void announcesAndWithdrawsIpv4AndIpv6Promptly() {
        bird = new Bird(topology, topology.tor, "bird", BIRD_TOR.replace("PASSWORD", ""));
        speaker = startSpeaker(BgpSessionOptions.DEFAULTS, BgpTestSupport.neighbor(TOR_IPV4, 179, Optional.empty(), 0),
                BgpTestSupport.neighbor(TOR_IPV6, 179, Optional.empty(), 0));
        BgpTestSupport.awaitEstablished(speaker, 2);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> bird.isEstablished("lb") && bird.isEstablished("lb6"));

        speaker.announce(Set.of(VIP, VIP6));
        Awaitility.await("/32 and /128 at BIRD").atMost(PROMPTLY).pollInterval(Duration.ofMillis(20))
                .until(() -> bird.hasRoute("203.0.113.10/32") && bird.hasRoute("2001:db8::10/128"));
        assertTrue(bird.birdc("show route 203.0.113.10/32 all").contains("BGP.next_hop: " + LB_IPV4), bird.birdc("show route all"));
        assertTrue(bird.birdc("show route 203.0.113.10/32 all").contains("BGP.as_path: 65000"));
        assertEquals(List.of(1, 1), speaker.peers().stream().map(PeerStatus::prefixesSent).toList());

        speaker.announce(Set.of(VIP6));
        Awaitility.await("/32 withdrawn").atMost(PROMPTLY).pollInterval(Duration.ofMillis(20))
                .until(() -> !bird.hasRoute("203.0.113.10/32"));
        assertTrue(bird.hasRoute("2001:db8::10/128"));

        speaker.shutdown(Duration.ofSeconds(5));
        Awaitility.await("/128 withdrawn on shutdown").atMost(PROMPTLY).pollInterval(Duration.ofMillis(20))
                .until(() -> !bird.hasRoute("2001:db8::10/128"));
        assertTrue(bird.birdc("show protocols all lb6").contains("Administrative shutdown"), bird.birdc("show protocols all lb6"));
        speaker.shutdown(Duration.ofSeconds(5));
    }

    @Test
    void md5EstablishesOnlyWithTheRightPassword() {
        bird = new Bird(topology, topology.tor, "bird", BIRD_TOR.replace("PASSWORD", "password \"s3cret\";"));
        speaker = startSpeaker(BgpSessionOptions.DEFAULTS, BgpTestSupport.neighbor(TOR_IPV4, 179, Optional.of("wrong"), 0));
        Awaitility.await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(8))
                .until(() -> !speaker.peers().get(0).state().equals("ESTABLISHED"));
        speaker.shutdown(Duration.ofSeconds(2));

        speaker = startSpeaker(BgpSessionOptions.DEFAULTS, BgpTestSupport.neighbor(TOR_IPV4, 179, Optional.of("s3cret"), 0));
        speaker.announce(Set.of(VIP));
        Awaitility.await("route over MD5").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> bird.hasRoute("203.0.113.10/32"));
    }

    @Test
    void reestablishesAndReannouncesAfterThePeerRestarts() {
        bird = new Bird(topology, topology.tor, "bird", BIRD_TOR.replace("PASSWORD", ""));
        speaker = startSpeaker(BgpSessionOptions.DEFAULTS, BgpTestSupport.neighbor(TOR_IPV4, 179, Optional.empty(), 0));
        speaker.announce(Set.of(VIP));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> bird.hasRoute("203.0.113.10/32"));

        bird.restart();
        Awaitility.await("route back after the peer restarted").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                .until(() -> bird.hasRoute("203.0.113.10/32"));
        assertEquals("ESTABLISHED", speaker.peers().get(0).state());
    }

    @Test
    void gracefulRestartKeepsTheRouteWhenTheSpeakerCrashes() {
        bird = new Bird(topology, topology.tor, "bird", BIRD_TOR.replace("PASSWORD", ""));
        BgpNeighbor tor = BgpTestSupport.neighbor(TOR_IPV4, 179, Optional.empty(), 0);
        BgpSpeaker crashing = startSpeaker(BgpSessionOptions.DEFAULTS, tor);
        crashing.announce(Set.of(VIP));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> bird.hasRoute("203.0.113.10/32"));

        crashing.abandon();
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !bird.isEstablished("lb"));
        Awaitility.await("route kept while the speaker restarts").during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(7))
                .until(() -> bird.hasRoute("203.0.113.10/32"));
        String helper = bird.birdc("show protocols all lb");
        assertTrue(helper.contains("Neighbor graceful restart active") && helper.contains("Restart timer:    11"), helper);

        speaker = startSpeaker(BgpSessionOptions.DEFAULTS, tor);
        speaker.announce(Set.of(VIP));
        BgpTestSupport.awaitEstablished(speaker, 1);
        // Our End-of-RIB ends the peer's graceful restart; the route, re-announced, stays.
        Awaitility.await("graceful restart over").atMost(Duration.ofSeconds(5))
                .until(() -> !bird.birdc("show protocols all lb").contains("graceful restart active"));
        assertTrue(bird.hasRoute("203.0.113.10/32"));
    }

    @Test
    void withoutGracefulRestartACrashRemovesTheRoute() {
        bird = new Bird(topology, topology.tor, "bird", BIRD_TOR.replace("PASSWORD", ""));
        BgpSpeaker crashing = startSpeaker(new BgpSessionOptions(List.of(), 0),
                BgpTestSupport.neighbor(TOR_IPV4, 179, Optional.empty(), 0));
        crashing.announce(Set.of(VIP));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> bird.hasRoute("203.0.113.10/32"));
        crashing.abandon();
        Awaitility.await("route dropped at once").atMost(PROMPTLY).until(() -> !bird.hasRoute("203.0.113.10/32"));
    }

    @Test
    void multihopWithMd5ToTwoRoutersOnLinkLocalAddressesLikeEquinixMetal() {
        for (String router : List.of("169.254.255.1", "169.254.255.2")) {
            topology.tor.exec("ip", "addr", "add", router + "/32", "dev", "lo").orThrow();
            topology.lbnode.exec("ip", "route", "add", router + "/32", "via", TOR_IPV4).orThrow();
        }
        // Only packets sent with TTL 2 reach BGP in tor: proof that the multihop TTL is really set.
        topology.tor.exec("nft", "add table inet vbgp; add chain inet vbgp in { type filter hook input priority 0; };"
                + " add rule inet vbgp in tcp dport 179 ip ttl != 2 drop").orThrow();
        Bird first = new Bird(topology, topology.tor, "tor1", multihopBird("169.254.255.1"));
        try (Bird second = new Bird(topology, topology.tor, "tor2", multihopBird("169.254.255.2"))) {
            bird = first;
            BgpSpeaker defaultTtl = startSpeaker(BgpSessionOptions.DEFAULTS, multihopNeighbor("169.254.255.1", 0));
            Awaitility.await("no session with the default TTL").during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(7))
                    .until(() -> !defaultTtl.peers().get(0).state().equals("ESTABLISHED"));
            defaultTtl.shutdown(Duration.ofSeconds(2));

            speaker = startSpeaker(BgpSessionOptions.DEFAULTS, multihopNeighbor("169.254.255.1", 2),
                    multihopNeighbor("169.254.255.2", 2));
            BgpTestSupport.awaitEstablished(speaker, 2);
            speaker.announce(Set.of(VIP));
            Awaitility.await("/32 at both routers").atMost(PROMPTLY).pollInterval(Duration.ofMillis(20))
                    .until(() -> first.hasRoute("203.0.113.10/32") && second.hasRoute("203.0.113.10/32"));
            speaker.shutdown(Duration.ofSeconds(5));
            Awaitility.await("withdrawn at both").atMost(PROMPTLY).pollInterval(Duration.ofMillis(20))
                    .until(() -> !first.hasRoute("203.0.113.10/32") && !second.hasRoute("203.0.113.10/32"));
        }
    }

    private static BgpNeighbor multihopNeighbor(String router, int ttl) {
        return new BgpNeighbor(BgpTestSupport.ip(router), 179, BgpTestSupport.TOR_AS, BgpTestSupport.LOCAL_AS,
                Optional.empty(), Optional.of(BgpTestSupport.ip(LB_IPV4)), Optional.of("s3cret"), ttl, 9);
    }

    /** As the reference's bird-tor-mh1.conf: one BIRD per router address. */
    private static String multihopBird(String router) {
        return """
                log stderr all;
                router id ROUTER;
                protocol device { }
                # so that the multihop next hop (192.168.100.2) resolves
                protocol direct { ipv4; interface "veth-tor"; }
                protocol bgp lb {
                  local ROUTER as 65530;
                  neighbor 192.168.100.2 as 65000;
                  strict bind on;
                  multihop 2;
                  passive on;
                  password "s3cret";
                  hold time 9;
                  keepalive time 3;
                  ipv4 { import all; export none; };
                }
                """.replace("ROUTER", router);
    }

    @Test
    void aGarbageSendingPeerGetsANotificationAndTheOtherSessionStaysUp() throws Exception {
        bird = new Bird(topology, topology.tor, "bird", BIRD_TOR.replace("PASSWORD", ""));
        ExecutorService inTor = Executors.newSingleThreadExecutor(NetworkNamespace.named(topology.tor.name()).threadFactory("fake-peer"));
        try (FakeBgpPeer garbage = inTor.submit(() -> new FakeBgpPeer(BgpTestSupport.ip(TOR_IPV4), 1790)).get(5, TimeUnit.SECONDS)) {
            speaker = startSpeaker(BgpSessionOptions.DEFAULTS, BgpTestSupport.neighbor(TOR_IPV4, 179, Optional.empty(), 0),
                    BgpTestSupport.neighbor(TOR_IPV4, 1790, Optional.empty(), 0));
            speaker.announce(Set.of(VIP));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> bird.hasRoute("203.0.113.10/32"));
            Instant birdSince = speaker.peers().get(0).establishedSince();

            garbage.accept();
            garbage.readUntil(BgpOpenMessage.class);
            garbage.sendRaw(new byte[] {'G', 'E', 'T', ' ', '/', ' ', 'H', 'T', 'T', 'P', '/', '1', '.', '1', '\r', '\n', 0, 19, 4});
            assertEquals(BgpNotificationMessage.of(1, 1), garbage.readUntil(BgpNotificationMessage.class));

            speaker.announce(Set.of(VIP, Route.of(BgpTestSupport.ip("203.0.113.11"))));
            Awaitility.await("the BIRD session still works").atMost(PROMPTLY).pollInterval(Duration.ofMillis(20))
                    .until(() -> bird.hasRoute("203.0.113.11/32"));
            assertEquals(birdSince, speaker.peers().get(0).establishedSince());
            assertTrue(bird.isEstablished("lb"));
            assertTrue(speaker.peers().get(1).lastError().contains("1/1"), speaker.peers().toString());
        } finally {
            inTor.shutdownNow();
        }
    }
}
