package io.vippy.bgp.session;

import static io.vippy.bgp.codec.BgpNotificationCodes.*;
import static io.vippy.bgp.session.SessionEvent.SessionTimer.CONNECT_RETRY;
import static io.vippy.bgp.session.SessionEvent.SessionTimer.HOLD;
import static io.vippy.bgp.session.SessionEvent.SessionTimer.KEEPALIVE;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.vippy.bgp.codec.BgpAddressFamily;
import io.vippy.bgp.codec.BgpAsPath;
import io.vippy.bgp.codec.BgpGracefulRestart;
import io.vippy.bgp.codec.BgpKeepaliveMessage;
import io.vippy.bgp.codec.BgpMessage;
import io.vippy.bgp.codec.BgpMessageDecoder;
import io.vippy.bgp.codec.BgpNotificationException;
import io.vippy.bgp.codec.BgpNotificationMessage;
import io.vippy.bgp.codec.BgpOpenMessage;
import io.vippy.bgp.codec.BgpRouteRefreshMessage;
import io.vippy.bgp.codec.BgpUpdateMessage;
import io.vippy.bgp.session.SessionEvent.SessionTimer;
import io.vippy.core.BgpNeighbor;
import io.vippy.core.PeerFailureDetector;
import io.vippy.core.PeerStatus;
import io.vippy.core.Route;
import io.vippy.core.model.Addresses;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.jboss.logging.Logger;

/**
 * One BGP session (RFC 4271 §8) that connects out to its peer and originates host routes. Every event, from the
 * channel, a timer or the speaker, goes through {@link #handle} on the session's event loop, so the state needs
 * no locks. After any failure the session reconnects with {@link ReconnectBackoff} until stopped.
 */
public final class BgpSession implements PeerFailureDetector.PathObserver {
    private static final Logger LOG = Logger.getLogger(BgpSession.class);
    /** The hold time while waiting for the peer's OPEN (RFC 4271 §8.2.2: "a large value", 4 minutes). */
    private static final Duration LARGE_HOLD_TIME = Duration.ofMinutes(4);

    private final BgpNeighbor neighbor;
    private final BgpSessionOptions options;
    private final EventLoop eventLoop;
    private final Supplier<Set<Route>> desiredRoutes;
    private final BgpAddressFamily family;
    private final String peerName;
    private final ReconnectBackoff backoff = new ReconnectBackoff(RandomGenerator.getDefault());
    private final Map<SessionTimer, ScheduledFuture<?>> timers = new EnumMap<>(SessionTimer.class);

    private SessionState state = SessionState.IDLE;
    /** Established before the routes were known: End-of-RIB goes with the first UPDATE. */
    private boolean endOfRibOwed;
    private boolean stopped;
    /** BFD said the path failed and has not said it is up again: no connection until it does. */
    private boolean pathFailed;
    private Channel channel;
    private int holdTimeSeconds;
    private boolean peerAcceptsFamily;
    private AdjRibOut ribOut;
    private Instant establishedSince;
    private String lastError;
    private volatile PeerStatus status;

    /**
     * {@code desiredRoutes} is read on the event loop whenever routes are (re)sent; null means "not known yet"
     * (a restarting speaker), which defers routes and End-of-RIB to the first {@link #routesChanged}.
     */
    public BgpSession(BgpNeighbor neighbor, BgpSessionOptions options, EventLoop eventLoop,
            Supplier<Set<Route>> desiredRoutes) {
        this.neighbor = neighbor;
        this.options = options;
        this.eventLoop = eventLoop;
        this.desiredRoutes = desiredRoutes;
        this.family = BgpAddressFamily.of(neighbor.peerAddress());
        String address = Addresses.format(neighbor.peerAddress());
        this.peerName = neighbor.peerPort() == 179 ? address
                : (family == BgpAddressFamily.IPV6_UNICAST ? "[" + address + "]" : address) + ":" + neighbor.peerPort();
        publishStatus();
    }

    public void start() {
        fire(new SessionEvent.Start());
    }

    /** The desired routes changed: an Established session sends the difference at once. */
    public void routesChanged() {
        fire(new SessionEvent.RoutesChanged());
    }

    /** Withdraws our routes, sends Cease (administrative shutdown) and closes; no reconnection afterwards. */
    public CompletableFuture<Void> stop() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        fire(new SessionEvent.Stop(done));
        return done;
    }

    /**
     * The path to the peer failed (BFD said so, RFC 5882): sends Cease / BFD Down (RFC 9384) and closes at once,
     * without waiting for the hold time. No new connection until the path is up again: over a path BFD calls
     * failed, a session would announce routes that attract traffic into it.
     */
    @Override
    public void failed() {
        fire(new SessionEvent.PathDown());
    }

    @Override
    public void up() {
        fire(new SessionEvent.PathUp());
    }

    /** Drops the connection without a word, as a crash would (the peer may keep our routes: graceful restart). */
    public CompletableFuture<Void> abort() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        fire(new SessionEvent.Abort(done));
        return done;
    }

    /** See {@link AdjRibOut#warmUp}. */
    public static void warmUp(Route route) {
        AdjRibOut.warmUp(route);
    }

    public PeerStatus status() {
        return status;
    }

    public BgpNeighbor neighbor() {
        return neighbor;
    }

    void fire(SessionEvent event) {
        if (eventLoop.inEventLoop()) {
            handle(event);
        } else if (!eventLoop.isShuttingDown()) {
            try {
                eventLoop.execute(() -> handle(event));
            } catch (RejectedExecutionException e) {
                // The speaker shut down between the check and the call: the session is gone, nothing to do.
            }
        }
    }

    /** The one event handler; runs on the event loop. Events from a connection already given up are ignored. */
    private void handle(SessionEvent event) {
        try {
            if (event instanceof SessionEvent.Start) {
                scheduleConnect();
            } else if (event instanceof SessionEvent.TimerExpired expired) {
                onTimer(expired.timer());
            } else if (event instanceof SessionEvent.Connected connected) {
                onConnected(connected.channel());
            } else if (event instanceof SessionEvent.ConnectFailed failed) {
                onConnectFailed(failed.cause());
            } else if (event instanceof SessionEvent.Received received && received.channel() == channel) {
                try {
                    onMessage(received.message());
                } catch (BgpNotificationException error) {
                    notifyAndClose(error.toMessage(), error.getMessage());
                }
            } else if (event instanceof SessionEvent.Failed failed && failed.channel() == channel) {
                onFailure(failed.cause());
            } else if (event instanceof SessionEvent.Closed closed && closed.channel() == channel) {
                lastError = "connection closed by the peer in state " + state;
                LOG.warnf("BGP peer %s: %s", peerName, lastError);
                drop();
            } else if (event instanceof SessionEvent.RoutesChanged && state == SessionState.ESTABLISHED
                    && routesKnown()) {
                sendRoutes(ribOut.sync(desired()), endOfRibOwed);
                endOfRibOwed = false;
            } else if (event instanceof SessionEvent.PathDown) {
                onPathDown();
            } else if (event instanceof SessionEvent.PathUp) {
                onPathUp();
            } else if (event instanceof SessionEvent.Stop stop) {
                onStop(stop.done());
            } else if (event instanceof SessionEvent.Abort abort) {
                onAbort(abort.done());
            }
        } finally {
            publishStatus();
        }
    }

    private void onPathDown() {
        String reason = "BFD: the path to the peer is down, no new connection until it is up";
        pathFailed = true;
        cancel(CONNECT_RETRY);
        if (state == SessionState.CONNECT) {
            setState(SessionState.IDLE); // the connection under way is closed when it completes
        }
        if (channel != null) {
            notifyAndClose(BgpNotificationMessage.of(CEASE, BFD_DOWN), reason);
        } else {
            // The peer's BFD saw it too and its Cease came first: the session is gone, and BFD is still why.
            lastError = lastError == null || lastError.startsWith(reason) ? reason : reason + " (" + lastError + ")";
            LOG.warnf("BGP peer %s: %s", peerName, lastError);
        }
    }

    private void onPathUp() {
        if (pathFailed) {
            pathFailed = false;
            if (!stopped && channel == null && !timers.containsKey(CONNECT_RETRY)) {
                scheduleConnect();
            }
        }
    }

    private void onTimer(SessionTimer timer) {
        timers.remove(timer);
        switch (timer) {
            case CONNECT_RETRY -> connect();
            case HOLD -> notifyAndClose(BgpNotificationMessage.of(HOLD_TIMER_EXPIRED, 0), "hold timer expired");
            case KEEPALIVE -> {
                channel.writeAndFlush(BgpKeepaliveMessage.INSTANCE).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
                scheduleKeepalive();
            }
        }
    }

    private void connect() {
        if (stopped) {
            return;
        }
        setState(SessionState.CONNECT);
        ChannelFuture connecting = BgpConnector.connect(neighbor, eventLoop, new BgpSessionHandler(this));
        connecting.addListener(done -> fire(done.isSuccess() ? new SessionEvent.Connected(connecting.channel())
                : new SessionEvent.ConnectFailed(done.cause())));
    }

    private void onConnected(Channel connected) {
        if (stopped || state != SessionState.CONNECT) {
            connected.close();
            return;
        }
        channel = connected;
        connected.closeFuture().addListener(closed -> fire(new SessionEvent.Closed(connected)));
        connected.writeAndFlush(openMessage()).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
        setState(SessionState.OPEN_SENT);
        schedule(HOLD, LARGE_HOLD_TIME);
    }

    private void onConnectFailed(Throwable cause) {
        if (state != SessionState.CONNECT) {
            return;
        }
        lastError = "connect failed: " + cause.getMessage();
        setState(SessionState.ACTIVE);
        scheduleConnect();
    }

    private void onMessage(BgpMessage message) {
        if (message instanceof BgpNotificationMessage notification) {
            lastError = "peer sent " + notification;
            LOG.warnf("BGP peer %s: %s", peerName, lastError);
            closeChannel();
            return;
        }
        switch (state) {
            case OPEN_SENT -> {
                if (!(message instanceof BgpOpenMessage open)) {
                    throw fsmError(UNEXPECTED_IN_OPEN_SENT, message);
                }
                onOpen(open);
            }
            case OPEN_CONFIRM -> {
                if (!(message instanceof BgpKeepaliveMessage)) {
                    throw fsmError(UNEXPECTED_IN_OPEN_CONFIRM, message);
                }
                restartHoldTimer();
                establish();
            }
            case ESTABLISHED -> {
                if (message instanceof BgpOpenMessage) {
                    throw fsmError(UNEXPECTED_IN_ESTABLISHED, message);
                }
                restartHoldTimer();
                if (message instanceof BgpRouteRefreshMessage refresh && refresh.family().equals(Optional.of(family))
                        && routesKnown()) {
                    ribOut.clear();
                    sendRoutes(ribOut.sync(desired()), true);
                }
            }
            default -> throw new IllegalStateException("message in state " + state);
        }
    }

    private void onOpen(BgpOpenMessage open) {
        if (open.asn() != neighbor.peerAsn()) {
            throw new BgpNotificationException(OPEN_MESSAGE_ERROR, BAD_PEER_AS,
                    "peer AS " + open.asn() + ", expected " + neighbor.peerAsn());
        }
        holdTimeSeconds = Math.min(neighbor.holdTimeSeconds(), open.holdTimeSeconds());
        boolean fourOctetAs = open.fourOctetAs().isPresent();
        channel.pipeline().get(BgpMessageDecoder.class).fourOctetAs(fourOctetAs);
        // A peer without any MP capability speaks IPv4 unicast only (RFC 4760 §8).
        peerAcceptsFamily = open.multiprotocol().contains(family)
                || (family == BgpAddressFamily.IPV4_UNICAST && open.multiprotocol().isEmpty());
        if (!peerAcceptsFamily) {
            lastError = "the peer did not offer " + family + "; no routes are sent to it";
            LOG.warnf("BGP peer %s: %s", peerName, lastError);
        }
        boolean ibgp = neighbor.peerAsn() == neighbor.localAsn();
        InetAddress nextHop = ((InetSocketAddress) channel.localAddress()).getAddress();
        ribOut = new AdjRibOut(new AdjRibOut.Origination(family,
                ibgp ? BgpAsPath.empty(fourOctetAs) : BgpAsPath.originatedBy(neighbor.localAsn(), fourOctetAs), nextHop,
                ibgp ? OptionalLong.of(100) : OptionalLong.empty(), options.communities()));
        channel.writeAndFlush(BgpKeepaliveMessage.INSTANCE).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
        setState(SessionState.OPEN_CONFIRM);
        restartHoldTimer();
        scheduleKeepalive();
    }

    private void establish() {
        setState(SessionState.ESTABLISHED);
        establishedSince = Instant.now();
        backoff.reset();
        // RFC 4724 4.1: a restarting speaker defers End-of-RIB until it knows its routes.
        endOfRibOwed = !routesKnown();
        if (!endOfRibOwed) {
            sendRoutes(ribOut.sync(desired()), true);
        }
    }

    private boolean routesKnown() {
        return desiredRoutes.get() != null;
    }

    /** The routes for this peer: none when it did not offer our address family or they are not known yet. */
    private Set<Route> desired() {
        Set<Route> routes = desiredRoutes.get();
        return peerAcceptsFamily && routes != null ? routes : Set.of();
    }

    /** Sends UPDATEs; a full table (after establishment or a ROUTE-REFRESH) ends with End-of-RIB (RFC 4724). */
    private void sendRoutes(List<BgpUpdateMessage> updates, boolean endOfRib) {
        if (!peerAcceptsFamily) {
            return;
        }
        updates.forEach(update -> channel.write(update).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE));
        if (endOfRib) {
            channel.write(BgpUpdateMessage.endOfRib(family)).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
        }
        channel.flush();
    }

    private void onFailure(Throwable cause) {
        if (cause instanceof BgpNotificationException error) {
            notifyAndClose(error.toMessage(), error.getMessage());
            return;
        }
        lastError = String.valueOf(cause.getMessage());
        LOG.warnf("BGP peer %s: %s", peerName, lastError);
        closeChannel();
    }

    private BgpNotificationException fsmError(int subcode, BgpMessage message) {
        return new BgpNotificationException(FSM_ERROR, subcode, "unexpected " + message.type() + " in state " + state);
    }

    private void onStop(CompletableFuture<Void> done) {
        stopped = true;
        Channel open = channel;
        if (open == null) {
            drop();
            done.complete(null);
            return;
        }
        if (state == SessionState.ESTABLISHED) {
            ribOut.withdrawAll().forEach(open::write);
        }
        open.writeAndFlush(BgpNotificationMessage.of(CEASE, ADMINISTRATIVE_SHUTDOWN)).addListener(ChannelFutureListener.CLOSE);
        open.closeFuture().addListener(closed -> done.complete(null));
        lastError = "stopped (Cease sent)";
        drop();
    }

    private void onAbort(CompletableFuture<Void> done) {
        stopped = true;
        Channel open = channel;
        drop();
        if (open == null) {
            done.complete(null);
        } else {
            open.close().addListener(closed -> done.complete(null));
        }
    }

    /** Sends a NOTIFICATION, then closes once it is written (RFC 4271 §6). */
    private void notifyAndClose(BgpNotificationMessage notification, String reason) {
        lastError = reason + ", sent " + notification;
        LOG.warnf("BGP peer %s: %s", peerName, lastError);
        Channel open = channel;
        drop();
        open.writeAndFlush(notification).addListener(ChannelFutureListener.CLOSE);
    }

    private void closeChannel() {
        Channel open = channel;
        drop();
        open.close();
    }

    /** Forgets the connection (its later events are ignored) and, unless stopped, schedules the next attempt. */
    private void drop() {
        timers.values().forEach(timer -> timer.cancel(false));
        timers.clear();
        channel = null;
        ribOut = null;
        establishedSince = null;
        setState(SessionState.IDLE);
        if (!stopped) {
            scheduleConnect();
        }
    }

    private void scheduleConnect() {
        if (!pathFailed) {
            schedule(CONNECT_RETRY, backoff.next());
        }
    }

    private void restartHoldTimer() {
        if (holdTimeSeconds > 0) {
            schedule(HOLD, Duration.ofSeconds(holdTimeSeconds));
        } else {
            cancel(HOLD);
        }
    }

    /** KEEPALIVE every third of the hold time, at most once a second (RFC 4271 §10); none with hold time 0. */
    private void scheduleKeepalive() {
        if (holdTimeSeconds > 0) {
            schedule(KEEPALIVE, Duration.ofMillis(Math.max(1000, holdTimeSeconds * 1000L / 3)));
        }
    }

    private void schedule(SessionTimer timer, Duration delay) {
        cancel(timer);
        timers.put(timer, eventLoop.schedule(() -> fire(new SessionEvent.TimerExpired(timer)), delay.toMillis(),
                TimeUnit.MILLISECONDS));
    }

    private void cancel(SessionTimer timer) {
        ScheduledFuture<?> scheduled = timers.remove(timer);
        if (scheduled != null) {
            scheduled.cancel(false);
        }
    }

    private BgpOpenMessage openMessage() {
        Optional<BgpGracefulRestart> restart = options.gracefulRestartSeconds() == 0 ? Optional.empty()
                // F bit set: the kernel load-balancing state outlives a Vippy restart, so forwarding goes on.
                : Optional.of(new BgpGracefulRestart(false, options.gracefulRestartSeconds(),
                        List.of(new BgpGracefulRestart.Family(family, true))));
        return BgpOpenMessage.of(neighbor.localAsn(), neighbor.holdTimeSeconds(), routerId(), Set.of(family), restart);
    }

    /** The configured router id, else our IPv4 session address, else one derived from our IPv6 address. */
    private Inet4Address routerId() {
        Optional<InetAddress> configured = neighbor.routerId().filter(Inet4Address.class::isInstance);
        InetAddress local = configured.orElse(((InetSocketAddress) channel.localAddress()).getAddress());
        if (local instanceof Inet4Address ipv4) {
            return ipv4;
        }
        byte[] bytes = local.getAddress();
        try {
            return (Inet4Address) InetAddress.getByAddress(new byte[] {bytes[12], bytes[13], bytes[14], (byte) (bytes[15] | 1)});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private void setState(SessionState next) {
        if (state != next) {
            LOG.debugf("BGP peer %s: %s -> %s", peerName, state, next);
            if (next == SessionState.ESTABLISHED || state == SessionState.ESTABLISHED) {
                LOG.infof("BGP peer %s: %s", peerName, next);
            }
            state = next;
        }
    }

    private void publishStatus() {
        status = new PeerStatus(peerName, neighbor.peerAsn(), state.name(), establishedSince,
                state == SessionState.ESTABLISHED ? ribOut.size() : 0, lastError, null);
    }
}
