package io.vippy.bgp;

import io.vippy.core.BgpNeighbor;
import io.vippy.core.PeerStatus;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import org.awaitility.Awaitility;

/** Shared pieces of the interop tests: our side is AS 65000, the ToR AS 65530, hold time 9 s. */
final class BgpTestSupport {
    static final long LOCAL_AS = 65000;
    static final long TOR_AS = 65530;

    private BgpTestSupport() {
    }

    static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    static BgpNeighbor neighbor(String peer, int port, Optional<String> password, int multihopTtl) {
        return new BgpNeighbor(ip(peer), port, TOR_AS, LOCAL_AS, Optional.empty(), Optional.empty(), password,
                multihopTtl, 9);
    }

    static void awaitEstablished(BgpSpeaker speaker, int sessions) {
        Awaitility.await("sessions established").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> speaker.peers().stream().filter(peer -> peer.state().equals("ESTABLISHED")).count() == sessions);
    }

    static String describe(BgpSpeaker speaker) {
        return speaker.peers().stream().map(PeerStatus::toString).toList().toString();
    }
}
