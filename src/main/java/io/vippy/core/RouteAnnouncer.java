package io.vippy.core;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Advertises load-balancer addresses to the routers (BGP). Desired-state interface: each call gives the
 * full set; sessions send only the difference, and everything again after a re-establishment.
 */
public interface RouteAnnouncer {

    /** Replaces the set of routes to advertise. Never blocks. */
    void announce(Set<Route> routes);

    /** The state of every peer session. */
    List<PeerStatus> peers();

    /** Withdraws every route, closes the sessions with a Cease, and waits at most {@code timeout}. */
    void shutdown(Duration timeout);
}
