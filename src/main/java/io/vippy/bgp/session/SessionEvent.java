package io.vippy.bgp.session;

import io.netty.channel.Channel;
import io.vippy.bgp.codec.BgpMessage;
import java.util.concurrent.CompletableFuture;

/** Everything that moves a {@link BgpSession}: all of it is handled, one at a time, on the session's event loop. */
sealed interface SessionEvent {

    /** The speaker starts the session. */
    record Start() implements SessionEvent {
    }

    /** One of the session's timers went off. */
    record TimerExpired(SessionTimer timer) implements SessionEvent {
    }

    record Connected(Channel channel) implements SessionEvent {
    }

    record ConnectFailed(Throwable cause) implements SessionEvent {
    }

    record Received(Channel channel, BgpMessage message) implements SessionEvent {
    }

    /** The pipeline failed, for example with a {@link io.vippy.bgp.codec.BgpNotificationException}. */
    record Failed(Channel channel, Throwable cause) implements SessionEvent {
    }

    record Closed(Channel channel) implements SessionEvent {
    }

    /** The desired set of routes changed. */
    record RoutesChanged() implements SessionEvent {
    }

    /** Withdraw everything, send Cease, close; {@code done} completes once the connection is closed. */
    record Stop(CompletableFuture<Void> done) implements SessionEvent {
    }

    /** The path to the peer failed (BFD): tear the connection down now; connect again only once it is up. */
    record PathDown() implements SessionEvent {
    }

    /** The path to the peer is up (again): connect if a failed path held the session back. */
    record PathUp() implements SessionEvent {
    }

    /** Drop the connection without NOTIFICATION or withdrawal, as a crash would. */
    record Abort(CompletableFuture<Void> done) implements SessionEvent {
    }

    /** The session's timers (RFC 4271 §10). */
    enum SessionTimer {
        CONNECT_RETRY,
        HOLD,
        KEEPALIVE
    }
}
