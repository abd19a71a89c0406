package io.vippy.bfd;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import io.vippy.bfd.session.BfdSessionStatus;
import io.vippy.bgp.BgpSpeaker;
import io.vippy.core.BgpNeighbor;
import io.vippy.core.PeerStatus;
import io.vippy.core.model.Addresses;
import io.vippy.testing.TestNamespace;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;

/**
 * Shared pieces of the BFD interop tests: our side AS 65000, the ToR AS 65530, a BGP hold time of 90 s so that
 * only BFD can explain a fast teardown, and ways to silence BFD in one direction with nftables.
 */
final class BfdTestSupport {
    static final long LOCAL_AS = 65000;
    static final long TOR_AS = 65530;
    static final int HOLD_TIME = 90;
    static final Duration STABLE = Duration.ofSeconds(2);

    private BfdTestSupport() {
    }

    static InetAddress ip(String literal) {
        return Addresses.parseLiteral(literal, "address");
    }

    static BgpNeighbor neighbor(String peer, Optional<String> source, int multihopTtl) {
        return new BgpNeighbor(ip(peer), 179, TOR_AS, LOCAL_AS, Optional.empty(), source.map(BfdTestSupport::ip),
                Optional.empty(), multihopTtl, HOLD_TIME);
    }

    static PeerStatus peer(BgpSpeaker speaker) {
        return speaker.peers().get(0);
    }

    static BfdSessionStatus bfd(BfdDetector detector, BgpNeighbor neighbor) {
        return detector.status(neighbor).orElseThrow();
    }

    /** BGP established and BFD Up on our side. */
    static void awaitUp(BgpSpeaker speaker, BfdDetector detector, BgpNeighbor neighbor, Duration atMost) {
        Awaitility.await("BGP established and BFD Up").atMost(atMost).pollInterval(Duration.ofMillis(50))
                .until(() -> "ESTABLISHED".equals(peer(speaker).state()) && "UP".equals(peer(speaker).bfd()));
    }

    /**
     * BGP established, BFD Up on our side and {@code peerUp} for 2 s in a row: a daemon that bounces its session
     * once right after start-up must be done with it before a test changes anything. When it does not come, says
     * what our side dropped (a peer whose TTL is too low never brings BFD Up).
     */
    static void awaitStablyUp(VippyWithBfd vippy, Duration atMost, BooleanSupplier peerUp) {
        BgpSpeaker speaker = vippy.speaker;
        long deadline = System.nanoTime() + atMost.toNanos();
        long upSince = 0;
        while (System.nanoTime() < deadline) {
            boolean up = "ESTABLISHED".equals(peer(speaker).state()) && "UP".equals(peer(speaker).bfd()) && peerUp.getAsBoolean();
            long now = System.nanoTime();
            upSince = up ? (upSince == 0 ? now : upSince) : 0;
            if (up && now - upSince >= STABLE.toNanos()) {
                return;
            }
            sleep(Duration.ofMillis(100));
        }
        throw new AssertionError("BGP and BFD not stably up within " + atMost + ": " + peer(speaker)
                + "; packets dropped by reason: " + droppedByReason(vippy.detector));
    }

    private static String droppedByReason(BfdDetector detector) {
        return BfdMetrics.DROP_REASONS.stream().map(reason -> reason + "=" + (long) detector.dropped(reason))
                .collect(Collectors.joining(", "));
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Drops BFD packets (single hop and multihop) that the namespace sends, as a dead BFD would. */
    static void dropOutgoingBfd(TestNamespace namespace) {
        namespace.exec("nft", "add table inet vbfd; add chain inet vbfd out { type filter hook output priority 0; };"
                + " add rule inet vbfd out udp dport { 3784, 4784 } drop").orThrow();
    }

    static void restoreOutgoingBfd(TestNamespace namespace) {
        namespace.exec("nft", "delete table inet vbfd").orThrow();
    }

    static double counter(MeterRegistry registry, String name, String... tags) {
        return Search.in(registry).name(name).tags(tags).counters().stream().mapToDouble(c -> c.count()).sum();
    }
}
