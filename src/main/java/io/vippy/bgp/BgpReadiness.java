package io.vippy.bgp;

import io.vippy.core.PeerStatus;
import io.vippy.core.RouteAnnouncer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * {@code /q/health/ready}, check {@code bgp}: DOWN while sessions are configured and none is established (this
 * node's addresses reach no router); each session that is not established is named, with its state and last
 * error, while others carry the routes too. No session configured (BGP off): nothing to wait for.
 */
@Readiness
@ApplicationScoped
public class BgpReadiness implements HealthCheck {
    static final String NAME = "bgp";

    private final RouteAnnouncer announcer;

    BgpReadiness(RouteAnnouncer announcer) {
        this.announcer = announcer;
    }

    @Override
    public HealthCheckResponse call() {
        List<PeerStatus> peers = announcer.peers();
        List<PeerStatus> down = peers.stream().filter(peer -> peer.establishedSince() == null).toList();
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME)
                .status(peers.isEmpty() || down.size() < peers.size());
        down.forEach(peer -> response.withData("peer " + peer.peer(), "not established (" + peer.state() + ")"
                + (peer.lastError() == null ? "" : "; last error: " + peer.lastError())));
        return response.build();
    }
}
