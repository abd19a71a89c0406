package io.vippy.bgp;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vippy.bgp.session.BgpSession;
import io.vippy.bgp.session.BgpSessionOptions;
import io.vippy.core.BgpNeighbor;
import io.vippy.core.BgpNeighborDiscovery;
import io.vippy.core.PeerFailureDetector;
import io.vippy.core.PeerStatus;
import io.vippy.core.Route;
import io.vippy.core.RouteAnnouncer;
import io.vippy.core.WarmUp;
import io.vippy.netlink.NetworkNamespace;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * The BGP speaker: one {@link BgpSession} per neighbour, all on one event loop whose thread lives in the
 * configured network namespace (sockets belong to the namespace of the thread that creates them).
 * {@link #announce} only records the desired set and nudges every session, which sends the difference at once.
 * A {@link PeerFailureDetector} (BFD) watches the path to each neighbour and drops its session when it fails.
 */
@ApplicationScoped
public class BgpSpeaker implements RouteAnnouncer, WarmUp {
    private static final Logger LOG = Logger.getLogger(BgpSpeaker.class);
    private static final Duration SHUTDOWN_ON_EXIT = Duration.ofSeconds(5);
    private static final Duration DISCOVERY_RETRY_FIRST = Duration.ofMillis(500);
    private static final Duration DISCOVERY_RETRY_MAX = Duration.ofSeconds(30);

    private final BgpConfig config;
    private final Instance<BgpNeighborDiscovery> discovery;
    private final NetworkNamespace namespace;
    private final PeerFailureDetector failureDetector;
    private final List<BgpSession> sessions = new CopyOnWriteArrayList<>();
    private final AtomicBoolean shutDown = new AtomicBoolean();
    private BgpSessionOptions options;
    private EventLoopGroup eventLoops;
    /**
     * Null until the first {@link #announce}: after a restart the peers still hold our routes (graceful
     * restart), and End-of-RIB sent before the restored set would make them drop those routes for a moment.
     */
    private volatile Set<Route> desired;
    private volatile String discoveryFailure;

    @Inject
    BgpSpeaker(BgpConfig config, NetworkNamespace namespace, Instance<BgpNeighborDiscovery> discovery,
            PeerFailureDetector failureDetector) {
        this.config = config;
        this.namespace = namespace;
        this.discovery = discovery;
        this.failureDetector = failureDetector;
    }

    /** A speaker outside CDI (tests, tools): start it with {@link #start}. */
    public BgpSpeaker(BgpSessionOptions options, NetworkNamespace namespace) {
        this(options, namespace, PeerFailureDetector.NONE);
    }

    /** A speaker outside CDI whose sessions drop at once when {@code failureDetector} says their path failed. */
    public BgpSpeaker(BgpSessionOptions options, NetworkNamespace namespace, PeerFailureDetector failureDetector) {
        this.config = null;
        this.discovery = null;
        this.namespace = namespace;
        this.failureDetector = failureDetector;
        this.options = options;
        this.desired = Set.of();
    }

    void onStart(@Observes StartupEvent event) {
        options = BgpConfigParser.options(config);
        List<BgpNeighbor> configured = BgpConfigParser.neighbors(config);
        if (!config.enabled()) {
            LOG.info("BGP is off (vippy.bgp.enabled=false): no routes are announced");
            return;
        }
        if (!configured.isEmpty()) {
            start(configured);
        } else if (discovery.isResolvable()) {
            discoverThenStart();
        } else {
            start(List.of());
        }
    }

    /**
     * Asks for the neighbours until the discovery succeeds (the Metal API or the metadata service may be away at
     * start-up, the device not named yet), with backoff; meanwhile {@link #discoveryFailure} says why no route is
     * announced.
     */
    private void discoverThenStart() {
        Uni.createFrom().deferred(() -> discovery.get().discover())
                .onFailure().invoke(failure -> {
                    String reason = "BGP neighbour discovery failed, no route is announced (retrying): "
                            + failure.getMessage();
                    if (!reason.equals(discoveryFailure)) {
                        LOG.error(reason);
                    }
                    discoveryFailure = reason;
                })
                .onFailure(failure -> !shutDown.get()).retry()
                .withBackOff(DISCOVERY_RETRY_FIRST, DISCOVERY_RETRY_MAX).withJitter(0.5).indefinitely()
                .subscribe().with(neighbors -> {
                    if (discoveryFailure != null) {
                        LOG.infof("BGP neighbour discovery succeeded after failing (%s)", discoveryFailure);
                        discoveryFailure = null;
                    }
                    start(neighbors);
                }, failure -> LOG.debugf("BGP neighbour discovery stopped: %s", failure.getMessage()));
    }

    /** Why no session could be started yet (the neighbour discovery failing), or null. */
    String discoveryFailure() {
        return discoveryFailure;
    }

    void onStop(@Observes ShutdownEvent event) {
        shutdown(SHUTDOWN_ON_EXIT);
    }

    /** Opens a session to each neighbour. */
    public synchronized void start(List<BgpNeighbor> neighbors) {
        if (shutDown.get() || eventLoops != null) {
            return;
        }
        if (neighbors.isEmpty()) {
            LOG.warn("BGP: no peers configured (vippy.bgp.peers) or discovered: no routes are announced");
            return;
        }
        neighbors.forEach(neighbor -> BgpConfigParser.checkHoldTime(neighbor.holdTimeSeconds()));
        Epoll.ensureAvailability();
        eventLoops = new EpollEventLoopGroup(1, namespace.threadFactory("vippy-bgp"));
        for (BgpNeighbor neighbor : neighbors) {
            BgpSession session = new BgpSession(neighbor, options, eventLoops.next(), () -> desired);
            sessions.add(session);
            session.start();
            failureDetector.watch(neighbor, session);
        }
        LOG.infof("BGP: %d session(s) in %s", neighbors.size(), namespace);
    }

    @Override
    public void announce(Set<Route> routes) {
        desired = Set.copyOf(routes);
        if (!shutDown.get()) {
            sessions.forEach(BgpSession::routesChanged);
        }
    }

    /** The first announcement's UPDATE for {@link WarmUp#SAMPLE}'s address, built and encoded, sent to no one. */
    @Override
    public void warmUp() {
        BgpSession.warmUp(Route.of(WarmUp.SAMPLE.address()));
    }

    @Override
    public List<PeerStatus> peers() {
        return sessions.stream().map(session -> session.status()
                .withBfd(failureDetector.state(session.neighbor()).orElse(null))).toList();
    }

    /** Idempotent: the first call withdraws, sends Cease and closes; later calls return at once. */
    @Override
    public void shutdown(Duration timeout) {
        if (!shutDown.compareAndSet(false, true)) {
            return;
        }
        closeSessions(sessions.stream().map(BgpSession::stop).toList(), timeout);
    }

    /** Drops every session without NOTIFICATION or withdrawal, as a crash would (graceful restart tests). */
    void abandon() {
        if (shutDown.compareAndSet(false, true)) {
            closeSessions(sessions.stream().map(BgpSession::abort).toList(), SHUTDOWN_ON_EXIT);
        }
    }

    private synchronized void closeSessions(List<CompletableFuture<Void>> closing, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warnf("BGP: sessions did not all close within %s: %s", timeout, e.toString());
        }
        if (eventLoops != null) {
            long left = Math.max(0, deadline - System.nanoTime());
            eventLoops.shutdownGracefully(0, left, TimeUnit.NANOSECONDS).awaitUninterruptibly(left, TimeUnit.NANOSECONDS);
        }
    }
}
