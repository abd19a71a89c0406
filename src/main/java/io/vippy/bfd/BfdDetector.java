package io.vippy.bfd;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vippy.bfd.codec.BfdControlPacket;
import io.vippy.bfd.codec.BfdDecodingException;
import io.vippy.bfd.codec.BfdPacketDecoder;
import io.vippy.bfd.codec.BfdState;
import io.vippy.bfd.session.BfdSession;
import io.vippy.bfd.session.BfdSessionStatus;
import io.vippy.bfd.session.BfdStateChange;
import io.vippy.bfd.session.BfdTimers;
import io.vippy.bfd.session.BfdTransmitter;
import io.vippy.core.BgpNeighbor;
import io.vippy.core.PeerFailureDetector;
import io.vippy.core.PeerFailureDetector.PathObserver;
import io.vippy.core.model.Addresses;
import io.vippy.netlink.NetworkNamespace;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.jboss.logging.Logger;

/**
 * BFD beside every BGP session ({@code vippy.bfd.enabled}): one session per neighbour, single hop (RFC 5881, UDP
 * 3784) for directly connected peers and multihop (RFC 5883, UDP 4784) when {@code vippy.bgp.multihop} is set.
 * Sessions and timers run on one event loop whose thread lives in the configured network namespace; receivers
 * hand it every datagram, and it applies the checks of RFC 5880 §6.8.6 that need the sessions: TTL (255 single
 * hop; at most {@code vippy.bgp.multihop} hops away multihop), discriminators, authentication. Every dropped
 * packet is counted by reason.
 */
@ApplicationScoped
public class BfdDetector implements PeerFailureDetector {
    private static final Logger LOG = Logger.getLogger(BfdDetector.class);
    static final int SINGLE_HOP_PORT = 3784;
    static final int MULTIHOP_PORT = 4784;
    private static final int SINGLE_HOP_TTL = 255;
    private static final Duration REOPEN_DELAY = Duration.ofSeconds(5);
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(3);

    /** A session is found by its peer and its kind when the peer does not know our discriminator yet. */
    private record PeerKey(InetAddress peer, boolean multihop) {
    }

    private record ReceiverKey(boolean ipv6, boolean multihop) {
    }

    /** A watched neighbour; its session exists once its transmitter is bound. Fields change on the event loop. */
    private static final class Watched {
        final BgpNeighbor neighbor;
        final PeerKey key;
        final PathObserver observer;
        volatile BfdSession session;
        BfdTransmitter transmitter;

        Watched(BgpNeighbor neighbor, PeerKey key, PathObserver observer) {
            this.neighbor = neighbor;
            this.key = key;
            this.observer = observer;
        }

        /** Single hop: 255 only. Multihop: sent with 255, so at most {@code multihopTtl - 1} routers away. */
        int minTtl() {
            return key.multihop() ? 256 - neighbor.multihopTtl() : SINGLE_HOP_TTL;
        }
    }

    private final BfdConfig config;
    private final NetworkNamespace namespace;
    private final MeterRegistry meterRegistry;
    private final Map<PeerKey, Watched> byPeer = new ConcurrentHashMap<>();
    /** By our discriminator; written on the event loop. */
    private final Map<Long, Watched> byDiscriminator = new ConcurrentHashMap<>();
    private final Map<ReceiverKey, BfdReceiver> receivers = new HashMap<>();
    private BfdTimers timers;
    private BfdMetrics metrics;
    private EventLoopGroup eventLoops;
    private EventLoop loop;
    private boolean shutDown;

    @Inject
    BfdDetector(BfdConfig config, NetworkNamespace namespace, MeterRegistry meterRegistry) {
        this.config = config;
        this.namespace = namespace;
        this.meterRegistry = meterRegistry;
    }

    /** A detector outside CDI (tests, tools), always enabled. */
    public BfdDetector(BfdTimers timers, NetworkNamespace namespace, MeterRegistry meterRegistry) {
        this.config = null;
        this.timers = timers;
        this.namespace = namespace;
        this.meterRegistry = meterRegistry;
    }

    void onStart(@Observes StartupEvent event) {
        if (enabled()) {
            start();
        } else {
            LOG.info("BFD is off (vippy.bfd.enabled=false): BGP sessions rely on their hold time");
        }
    }

    /** After the BGP sessions have said goodbye (Cease): a peer that lost BFD first would call it a failure. */
    void onStop(@Observes @Priority(Interceptor.Priority.LIBRARY_AFTER) ShutdownEvent event) {
        shutdown();
    }

    private boolean enabled() {
        return config == null || config.enabled();
    }

    private synchronized void start() {
        if (eventLoops != null || shutDown) {
            return;
        }
        if (timers == null) {
            timers = BfdConfigParser.timers(config);
        }
        Epoll.ensureAvailability();
        metrics = new BfdMetrics(meterRegistry);
        eventLoops = new EpollEventLoopGroup(1, namespace.threadFactory("vippy-bfd"));
        loop = eventLoops.next();
        LOG.infof("BFD: interval %d ms, multiplier %d, in %s", timers.interval().toMillis(), timers.multiplier(), namespace);
    }

    @Override
    public synchronized void watch(BgpNeighbor neighbor, PathObserver observer) {
        if (!enabled() || shutDown) {
            return;
        }
        start();
        Watched watched = new Watched(neighbor, keyOf(neighbor), observer);
        if (byPeer.putIfAbsent(watched.key, watched) != null) {
            return;
        }
        ensureReceiver(new ReceiverKey(!(neighbor.peerAddress() instanceof Inet4Address), watched.key.multihop()));
        loop.execute(() -> open(watched));
    }

    @Override
    public Optional<String> state(BgpNeighbor neighbor) {
        return status(neighbor).map(status -> status.state().name());
    }

    /** The BFD session beside this neighbour's BGP session; empty when not watched or not yet opened. */
    public Optional<BfdSessionStatus> status(BgpNeighbor neighbor) {
        return Optional.ofNullable(byPeer.get(keyOf(neighbor))).map(watched -> watched.session).map(BfdSession::status);
    }

    /** Packets dropped for this reason ({@code ttl}, {@code version}, ...) since the start. */
    public double dropped(String reason) {
        return metrics == null ? 0 : metrics.droppedCount(reason);
    }

    private static PeerKey keyOf(BgpNeighbor neighbor) {
        return new PeerKey(neighbor.peerAddress(), neighbor.multihopTtl() > 1);
    }

    private void ensureReceiver(ReceiverKey key) {
        receivers.computeIfAbsent(key, k -> BfdReceiver.start(namespace,
                new InetSocketAddress(wildcard(k.ipv6()), k.multihop() ? MULTIHOP_PORT : SINGLE_HOP_PORT), k.multihop(),
                this::handOff));
    }

    /** From a receiver's thread to the event loop; nothing to do once the loop stops (shutdown). */
    private void handOff(BfdReceiver.Datagram datagram) {
        try {
            loop.execute(() -> dispatch(datagram));
        } catch (RejectedExecutionException e) {
            // shutting down
        }
    }

    /** On the event loop: binds the session's source port, then starts it; retried while binding fails. */
    private void open(Watched watched) {
        if (eventLoops.isShuttingDown()) {
            return;
        }
        InetAddress peer = watched.neighbor.peerAddress();
        InetAddress local = watched.neighbor.sourceAddress().orElse(wildcard(!(peer instanceof Inet4Address)));
        int port = watched.key.multihop() ? MULTIHOP_PORT : SINGLE_HOP_PORT;
        BfdTransmitter.open(loop, local, new InetSocketAddress(peer, port), RandomGenerator.getDefault()).addListener(opened -> {
            if (!opened.isSuccess()) {
                LOG.errorf("BFD peer %s: cannot bind a source port on %s, retrying in %s: %s", Addresses.format(peer),
                        local, REOPEN_DELAY, opened.cause().toString());
                loop.schedule(() -> open(watched), REOPEN_DELAY.toMillis(), TimeUnit.MILLISECONDS);
                return;
            }
            watched.transmitter = (BfdTransmitter) opened.getNow();
            long discriminator = newDiscriminator();
            BfdSession session = new BfdSession(Addresses.format(peer), timers, discriminator, loop, watched.transmitter,
                    (changed, change) -> onStateChange(watched, changed, change), RandomGenerator.getDefault());
            byDiscriminator.put(discriminator, watched);
            watched.session = session;
            metrics.sessionAdded(session);
            session.start();
        });
    }

    private long newDiscriminator() {
        while (true) {
            long candidate = ThreadLocalRandom.current().nextLong(1, 1L << 32);
            if (!byDiscriminator.containsKey(candidate)) {
                return candidate;
            }
        }
    }

    private void onStateChange(Watched watched, BfdSession session, BfdStateChange change) {
        metrics.transition(session, change);
        if (change.isPathFailure()) {
            LOG.warnf("BFD peer %s: the path is down (%s): tearing the BGP session down", session.peerName(),
                    change.diagnostic());
            watched.observer.failed();
        } else if (change.to() == BfdState.UP) {
            watched.observer.up();
        }
    }

    /** On the event loop: the checks of RFC 5880 §6.8.6 and RFC 5881 §5, then the session. */
    private void dispatch(BfdReceiver.Datagram datagram) {
        if (datagram.truncated()) {
            drop(BfdDecodingException.Reason.LENGTH.label(), datagram, "larger than any BFD packet");
            return;
        }
        if (!datagram.multihop() && datagram.ttl() != SINGLE_HOP_TTL) {
            drop(BfdMetrics.TTL, datagram, "TTL " + datagram.ttl() + " on a single-hop session, 255 required");
            return;
        }
        BfdControlPacket packet;
        try {
            packet = BfdPacketDecoder.INSTANCE.decode(Unpooled.wrappedBuffer(datagram.payload()));
        } catch (BfdDecodingException e) {
            drop(e.reason().label(), datagram, e.getMessage());
            return;
        }
        PeerKey from = new PeerKey(datagram.source().getAddress(), datagram.multihop());
        Watched watched = packet.yourDiscriminator() != 0 ? byDiscriminator.get(packet.yourDiscriminator()) : byPeer.get(from);
        if (watched == null || watched.session == null || !watched.key.equals(from)) {
            drop(BfdMetrics.SESSION, datagram, "no session for your discriminator " + packet.yourDiscriminator());
        } else if (datagram.ttl() < watched.minTtl()) {
            drop(BfdMetrics.TTL, datagram, "TTL " + datagram.ttl() + ", at least " + watched.minTtl() + " expected");
        } else if (packet.authenticationPresent()) {
            drop(BfdMetrics.AUTH, datagram, "authenticated, and no authentication is configured");
        } else {
            watched.session.receive(packet);
        }
    }

    private void drop(String reason, BfdReceiver.Datagram datagram, String why) {
        metrics.dropped(reason);
        LOG.debugf("BFD: dropped a packet from %s: %s", datagram.source(), why);
    }

    /** Sends AdminDown on every session, closes the sockets and stops; idempotent. */
    public synchronized void shutdown() {
        if (shutDown) {
            return;
        }
        shutDown = true;
        if (eventLoops == null) {
            return;
        }
        List<BfdReceiver> closing = new ArrayList<>(receivers.values());
        receivers.clear();
        io.netty.util.concurrent.Future<?> stopped = loop.submit(() -> byPeer.values().forEach(watched -> {
            if (watched.session != null) {
                watched.session.stop();
                watched.transmitter.close();
            }
        }));
        stopped.awaitUninterruptibly(SHUTDOWN_WAIT.toMillis());
        closing.forEach(BfdReceiver::close);
        eventLoops.shutdownGracefully(0, SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(SHUTDOWN_WAIT.toMillis());
        metrics.removeAll();
    }

    private static InetAddress wildcard(boolean ipv6) {
        try {
            return InetAddress.getByAddress(new byte[ipv6 ? 16 : 4]);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
