package io.vippy.bgp;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.vippy.bgp.codec.BgpAddressFamily;
import io.vippy.bgp.codec.BgpKeepaliveMessage;
import io.vippy.bgp.codec.BgpMessage;
import io.vippy.bgp.codec.BgpNotificationMessage;
import io.vippy.bgp.codec.BgpOpenMessage;
import io.vippy.bgp.codec.BgpRouteRefreshMessage;
import io.vippy.bgp.codec.BgpUpdateMessage;
import io.vippy.bgp.session.BgpSession;
import io.vippy.bgp.session.BgpSessionOptions;
import io.vippy.core.BgpNeighbor;
import io.vippy.core.PeerFailureDetector;
import io.vippy.core.Route;
import io.vippy.netlink.NetworkNamespace;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The session state machine against scripted peers on loopback: timers, OPEN checks, refresh, packing. */
class BgpSessionFakePeerTest {
    private static final InetAddress LOOPBACK = BgpTestSupport.ip("127.0.0.1");

    private final FakeBgpPeer peer = new FakeBgpPeer(LOOPBACK, 0);
    private BgpSpeaker speaker;

    @AfterEach
    void tearDown() throws Exception {
        if (speaker != null) {
            speaker.shutdown(Duration.ofSeconds(2));
        }
        peer.close();
    }

    private void startSpeaker(int holdTime) {
        speaker = new BgpSpeaker(BgpSessionOptions.DEFAULTS, NetworkNamespace.current());
        speaker.start(List.of(new BgpNeighbor(LOOPBACK, peer.port(), BgpTestSupport.TOR_AS, 4_200_000_000L,
                Optional.empty(), Optional.empty(), Optional.empty(), 0, holdTime)));
    }

    @Test
    void aFailedPathEndsTheSessionAndHoldsItBackUntilThePathIsUpAgain() throws Exception {
        AtomicReference<PeerFailureDetector.PathObserver> path = new AtomicReference<>();
        speaker = new BgpSpeaker(BgpSessionOptions.DEFAULTS, NetworkNamespace.current(), new PeerFailureDetector() {
            @Override
            public void watch(BgpNeighbor neighbor, PathObserver observer) {
                path.set(observer);
            }

            @Override
            public Optional<String> state(BgpNeighbor neighbor) {
                return Optional.empty();
            }
        });
        speaker.start(List.of(new BgpNeighbor(LOOPBACK, peer.port(), BgpTestSupport.TOR_AS, 4_200_000_000L,
                Optional.empty(), Optional.empty(), Optional.empty(), 0, 90)));
        peer.establish(BgpTestSupport.TOR_AS, 90);
        await().atMost(Duration.ofSeconds(5)).until(() -> "ESTABLISHED".equals(speaker.peers().get(0).state()));

        path.get().failed();
        assertEquals(BgpNotificationMessage.of(6, 10), peer.readUntil(BgpNotificationMessage.class), "Cease / BFD Down");
        // After an Established session the next attempt would be immediate: none comes while the path is failed.
        assertFalse(peer.acceptsWithin(Duration.ofSeconds(3)), "connected again over a failed path");
        assertTrue(String.valueOf(speaker.peers().get(0).lastError()).contains("BFD"), speaker.peers().get(0).toString());

        path.get().up();
        assertTrue(peer.acceptsWithin(Duration.ofSeconds(5)), "no connection once the path was up");
        assertTrue(peer.readUntil(BgpOpenMessage.class).holdTimeSeconds() > 0);
    }

    @Test
    void openCarriesCapabilitiesAndHoldTimeExpiryEndsTheSession() throws Exception {
        startSpeaker(3);
        BgpOpenMessage open = peer.establish(BgpTestSupport.TOR_AS, 90);
        assertEquals(23456, open.myAs(), "AS_TRANS for a 4-octet ASN");
        assertEquals(4_200_000_000L, open.asn());
        assertEquals(3, open.holdTimeSeconds());
        assertTrue(open.routeRefresh());
        assertEquals(120, open.gracefulRestart().orElseThrow().restartTimeSeconds());
        assertEquals(Set.of(BgpAddressFamily.IPV4_UNICAST), open.multiprotocol());

        // Negotiated hold time min(3, 90) = 3 s: keepalives every second, expiry 3 s after our last message.
        long start = System.nanoTime();
        int keepalives = 0;
        BgpMessage message;
        while (!((message = peer.read()) instanceof BgpNotificationMessage)) {
            keepalives += message instanceof BgpKeepaliveMessage ? 1 : 0;
        }
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(BgpNotificationMessage.of(4, 0), message);
        assertTrue(elapsedMillis >= 2500 && elapsedMillis < 10_000, "hold timer expired after " + elapsedMillis + " ms");
        assertTrue(keepalives >= 2, keepalives + " keepalives");
        // The session records the error after it has sent the NOTIFICATION the peer just read.
        await().atMost(Duration.ofSeconds(5)).until(() -> String.valueOf(speaker.peers().get(0).lastError())
                .contains("hold timer expired"));
    }

    @Test
    void wrongPeerAsIsRejectedWithBadPeerAs() throws Exception {
        startSpeaker(9);
        peer.establish(65531, 9);
        assertEquals(BgpNotificationMessage.of(2, 2), peer.readUntil(BgpNotificationMessage.class));
    }

    @Test
    void garbageIsAnsweredWithConnectionNotSynchronized() throws Exception {
        startSpeaker(9);
        peer.accept();
        peer.readUntil(BgpOpenMessage.class);
        peer.sendRaw("this is not a BGP message at all".getBytes());
        assertEquals(BgpNotificationMessage.of(1, 1), peer.readUntil(BgpNotificationMessage.class));
    }

    @Test
    void unexpectedMessageInOpenSentIsAnFsmError() throws Exception {
        startSpeaker(9);
        peer.accept();
        peer.readUntil(BgpOpenMessage.class);
        peer.send(BgpKeepaliveMessage.INSTANCE);
        assertEquals(BgpNotificationMessage.of(5, 1), peer.readUntil(BgpNotificationMessage.class));
    }

    @Test
    void routesThenEndOfRibThenOnlyChangesThenEverythingOnRouteRefresh() throws Exception {
        Set<Route> thousand = IntStream.range(0, 1000)
                .mapToObj(i -> Route.of(BgpTestSupport.ip("10.1." + (i / 256) + "." + (i % 256)))).collect(Collectors.toSet());
        startSpeaker(9);
        speaker.announce(thousand);
        peer.establish(BgpTestSupport.TOR_AS, 9);
        Set<InetAddress> received = readTableUntilEndOfRib();
        assertEquals(thousand.stream().map(Route::address).collect(Collectors.toSet()), received);

        Set<Route> changed = new HashSet<>(thousand);
        changed.remove(Route.of(BgpTestSupport.ip("10.1.0.0")));
        changed.add(Route.of(BgpTestSupport.ip("10.2.0.0")));
        speaker.announce(changed);
        BgpUpdateMessage first = peer.readUntil(BgpUpdateMessage.class);
        BgpUpdateMessage second = peer.readUntil(BgpUpdateMessage.class);
        assertEquals(List.of("10.1.0.0/32"), first.withdrawn().stream().map(Object::toString).toList());
        assertEquals(List.of("10.2.0.0/32"), second.nlri().stream().map(Object::toString).toList());

        peer.send(BgpRouteRefreshMessage.of(BgpAddressFamily.IPV4_UNICAST));
        assertEquals(changed.stream().map(Route::address).collect(Collectors.toSet()), readTableUntilEndOfRib());
        assertEquals(1000, speaker.peers().get(0).prefixesSent());
    }

    /** After a restart the routes are unknown until the first announce: End-of-RIB must wait for them. */
    @Test
    void aSessionEstablishedBeforeItsRoutesAreKnownSendsThemBeforeEndOfRib() throws Exception {
        AtomicReference<Set<Route>> desired = new AtomicReference<>(); // null: not known yet
        EventLoopGroup loop = new EpollEventLoopGroup(1);
        try {
            BgpSession session = new BgpSession(new BgpNeighbor(LOOPBACK, peer.port(), BgpTestSupport.TOR_AS,
                    4_200_000_000L, Optional.empty(), Optional.empty(), Optional.empty(), 0, 9),
                    BgpSessionOptions.DEFAULTS, loop.next(), desired::get);
            session.start();
            peer.establish(BgpTestSupport.TOR_AS, 9);
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> session.status().state().equals("ESTABLISHED"));

            desired.set(Set.of(Route.of(BgpTestSupport.ip("198.51.100.7"))));
            session.routesChanged();
            BgpUpdateMessage first = peer.readUntil(BgpUpdateMessage.class);
            assertEquals(List.of("198.51.100.7/32"), first.nlri().stream().map(Object::toString).toList(),
                    "the route first, not an End-of-RIB that would end the peer's graceful restart without it");
            assertTrue(peer.readUntil(BgpUpdateMessage.class).endOfRibFamily().isPresent());
            session.stop().get(5, TimeUnit.SECONDS);
        } finally {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /** The prefixes of UPDATEs up to End-of-RIB; 1000 /32s must fit in two messages. */
    private Set<InetAddress> readTableUntilEndOfRib() throws Exception {
        Set<InetAddress> prefixes = new HashSet<>();
        for (int updates = 0; updates < 3; updates++) {
            BgpUpdateMessage update = peer.readUntil(BgpUpdateMessage.class);
            if (update.endOfRibFamily().isPresent()) {
                return prefixes;
            }
            update.nlri().forEach(prefix -> prefixes.add(prefix.address()));
        }
        throw new AssertionError("no End-of-RIB after 2 UPDATEs");
    }
}
