package io.vippy.core.reconciler;

import io.vippy.core.Route;
import io.vippy.core.RouteAnnouncer;
import java.net.InetAddress;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The routes Vippy wants advertised; every change hands the announcer the whole desired set. */
final class RouteTable {
    private final RouteAnnouncer announcer;
    private final Map<InetAddress, Route> routes = new LinkedHashMap<>();

    RouteTable(RouteAnnouncer announcer) {
        this.announcer = announcer;
    }

    /**
     * Start-up: the routes already advertised before a restart, handed over at once and even when empty, so
     * the announcer knows its full set before it tells peers it has finished (End-of-RIB).
     */
    synchronized void restore(Collection<Route> advertised) {
        advertised.forEach(route -> routes.put(route.address(), route));
        announcer.announce(Set.copyOf(routes.values()));
    }

    synchronized void advertise(Route route) {
        if (!route.equals(routes.put(route.address(), route))) {
            announcer.announce(Set.copyOf(routes.values()));
        }
    }

    synchronized void withdraw(InetAddress address) {
        if (routes.remove(address) != null) {
            announcer.announce(Set.copyOf(routes.values()));
        }
    }

    /**
     * Re-advertises the route tagged with the graceful-shutdown community, so peers move traffic away before it
     * is withdrawn. True when that is worth waiting for: the route was advertised untagged and a peer is up.
     */
    synchronized boolean drain(InetAddress address) {
        Route route = routes.get(address);
        if (route == null || route.communities().contains(Route.GRACEFUL_SHUTDOWN)) {
            return false;
        }
        Set<Long> communities = new HashSet<>(route.communities());
        communities.add(Route.GRACEFUL_SHUTDOWN);
        advertise(new Route(address, communities));
        return announcer.peers().stream().anyMatch(peer -> peer.establishedSince() != null);
    }
}
