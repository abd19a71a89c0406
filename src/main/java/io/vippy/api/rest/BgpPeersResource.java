package io.vippy.api.rest;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.vippy.core.PeerStatus;
import io.vippy.core.RouteAnnouncer;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The BGP sessions as operators see them: state, uptime, prefixes sent, the last error and BFD, per peer. */
@Path("/bgp/peers")
@Produces(MediaType.APPLICATION_JSON)
public class BgpPeersResource {
    private final RouteAnnouncer announcer;

    BgpPeersResource(RouteAnnouncer announcer) {
        this.announcer = announcer;
    }

    @GET
    public List<PeerView> peers() {
        Instant now = Instant.now();
        return announcer.peers().stream().map(peer -> PeerView.of(peer, now)).toList();
    }

    /** {@code bfd}: the state of the BFD session beside this one, null when BFD is off. */
    @JsonPropertyOrder({"peer", "peerAsn", "state", "establishedSince", "uptimeSeconds", "prefixesSent", "lastError", "bfd"})
    record PeerView(String peer, long peerAsn, String state, String establishedSince, Long uptimeSeconds,
            int prefixesSent, String lastError, String bfd) {
        static PeerView of(PeerStatus status, Instant now) {
            Instant since = status.establishedSince();
            return new PeerView(status.peer(), status.peerAsn(), status.state(), since == null ? null : since.toString(),
                    since == null ? null : Duration.between(since, now).toSeconds(), status.prefixesSent(),
                    status.lastError(), status.bfd());
        }
    }
}
