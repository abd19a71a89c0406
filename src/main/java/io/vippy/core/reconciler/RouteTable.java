package io.vippy.core.reconciler;

import io.vippy.core.Route;
import io.vippy.core.RouteAnnouncer;
import java.net.InetAddress;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The routes Vippy wants advertised; every change hands the announcer the whole desired set. A drained node keeps
 * the set (its kernel goes on serving) but advertises it tagged with graceful shutdown, then not at all.
 */
final class RouteTable {
    private enum Mode { SERVING, DRAINING, DRAINED }

    private final RouteAnnouncer announcer;
    private final Map<InetAddress, Route> routes = new LinkedHashMap<>();
    private Mode mode = Mode.SERVING;

    RouteTable(RouteAnnouncer announcer) {
        this.announcer = announcer;
    }

    /**
     * Start-up: the routes already advertised before a restart, handed over at once and even when empty, so
     * the announcer knows its full set before it tells peers it has finished (End-of-RIB).
     */
    synchronized void restore(Collection<Route> advertised) {
        advertised.forEach(route -> routes.put(route.address(), route));
        publish();
    }

    synchronized void advertise(Route route) {
        if (!route.equals(routes.put(route.address(), route))) {
            publish();
        }
    }

    synchronized void withdraw(InetAddress address) {
        if (routes.remove(address) != null) {
            publish();
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
        advertise(gracefulShutdown(route));
        return mode == Mode.SERVING && peerUp();
    }

    /** The whole node: every route tagged graceful shutdown; true when a peer is up to act on it. */
    synchronized boolean drainAll() {
        if (mode != Mode.SERVING) {
            return false;
        }
        mode = Mode.DRAINING;
        publish();
        return peerUp();
    }

    /** After {@link #drainAll} and the drain delay: nothing advertised, the desired set kept. */
    synchronized void withdrawAll() {
        if (mode == Mode.DRAINING) {
            mode = Mode.DRAINED;
            publish();
        }
    }

    synchronized void undrain() {
        mode = Mode.SERVING;
        publish();
    }

    synchronized boolean drained() {
        return mode != Mode.SERVING;
    }

    private void publish() {
        announcer.announce(switch (mode) {
            case SERVING -> Set.copyOf(routes.values());
            case DRAINING -> routes.values().stream().map(RouteTable::gracefulShutdown).collect(Collectors.toSet());
            case DRAINED -> Set.of();
        });
    }

    private boolean peerUp() {
        return announcer.peers().stream().anyMatch(peer -> peer.establishedSince() != null);
    }

    private static Route gracefulShutdown(Route route) {
        Set<Long> communities = new HashSet<>(route.communities());
        communities.add(Route.GRACEFUL_SHUTDOWN);
        return new Route(route.address(), communities);
    }
}
