package io.vippy.bgp;

import io.vippy.core.PeerStatus;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * {@code /q/health/ready}, check {@code bgp}: DOWN while sessions are configured and none is established, or while
 * the neighbour discovery fails (this node's addresses reach no router); each session that is not established is
 * named, with its state and last error, while others carry the routes too. BGP off: nothing to wait for.
 */
@Readiness
@ApplicationScoped
public class BgpReadiness implements HealthCheck {
    static final String NAME = "bgp";

    private final BgpSpeaker speaker;

    BgpReadiness(BgpSpeaker speaker) {
        this.speaker = speaker;
    }

    @Override
    public HealthCheckResponse call() {
        List<PeerStatus> peers = speaker.peers();
        List<PeerStatus> down = peers.stream().filter(peer -> peer.establishedSince() == null).toList();
        String discoveryFailure = speaker.discoveryFailure();
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME)
                .status(discoveryFailure == null && (peers.isEmpty() || down.size() < peers.size()));
        if (discoveryFailure != null) {
            response.withData("discovery", discoveryFailure);
        }
        down.forEach(peer -> response.withData("peer " + peer.peer(), "not established (" + peer.state() + ")"
                + (peer.lastError() == null ? "" : "; last error: " + peer.lastError())));
        return response.build();
    }
}
