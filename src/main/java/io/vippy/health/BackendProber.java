package io.vippy.health;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import io.vippy.core.model.HealthCheckSpec;
import io.vippy.netlink.NetworkNamespace;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * Checks backends over the network from Vippy's network namespace, without a thread per check.
 *
 * <p>Why Netty and not a Vert.x client: a socket belongs to the network namespace of the thread that creates
 * it. Vert.x's event loops are shared with the API and live in the daemon's own namespace, so a Vert.x
 * {@code NetClient} or {@code WebClient} would check from the wrong namespace whenever {@code vippy.netns} is
 * set (and a second Vert.x instance just for checks would bring its own worker pools and timers for nothing).
 * Instead the prober owns a small Netty epoll event-loop group whose threads enter the namespace before they
 * run anything ({@link NetworkNamespace#threadFactory}), as the BGP speaker does. Netty's epoll channel opens
 * its socket on the thread that calls {@code connect}, so every probe must start on one of these loops
 * (enforced below). The loops also time the checks with their scheduled tasks: each check is a non-blocking
 * connect, for HTTP(S) a request and the status line, then a close, so one thread runs thousands of them.
 */
final class BackendProber implements AutoCloseable {
    /** Enough for any sane status line and headers; a backend sending more is not answering a check. */
    private static final int MAX_HEADER_BYTES = 16 * 1024;

    private final EventLoopGroup loops;
    private final SslContext tls;

    BackendProber(NetworkNamespace namespace, int threads) {
        Epoll.ensureAvailability();
        this.loops = new EpollEventLoopGroup(threads, namespace.threadFactory("vippy-health"));
        this.tls = insecureTls();
    }

    /** The loop a new check should run on: spread over the group. */
    EventLoop nextLoop() {
        return loops.next();
    }

    /**
     * Starts one check of {@code target}; call it on {@code loop}. The future completes on the loop within
     * the check's timeout, always successfully: a failed check is a result, not an error.
     */
    Future<ProbeResult> probe(EventLoop loop, InetSocketAddress target, HealthCheckSpec spec) {
        if (!loop.inEventLoop()) {
            throw new IllegalStateException("a probe must start on its event loop, inside the network namespace");
        }
        Promise<ProbeResult> result = loop.newPromise();
        ChannelFuture connect = new Bootstrap()
                .group(loop)
                .channel(EpollSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, spec.timeoutMs())
                // Close with RST: thousands of checks a second would otherwise pile up TIME_WAIT sockets.
                .option(ChannelOption.SO_LINGER, 0)
                .handler(initializer(target, spec, result))
                .connect(target);
        ScheduledFuture<?> deadline = loop.schedule(
                () -> result.trySuccess(ProbeResult.failure("no answer within " + spec.timeoutMs() + " ms")),
                spec.timeoutMs(), TimeUnit.MILLISECONDS);
        connect.addListener(done -> {
            if (!done.isSuccess()) {
                result.trySuccess(ProbeResult.failure(describe(done.cause())));
            } else if (!spec.type().isHttp()) {
                result.trySuccess(ProbeResult.success("connected"));
            }
        });
        result.addListener(done -> {
            deadline.cancel(false);
            connect.channel().close();
        });
        return result;
    }

    private ChannelInitializer<Channel> initializer(InetSocketAddress target, HealthCheckSpec spec,
            Promise<ProbeResult> result) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                if (!spec.type().isHttp()) {
                    return;
                }
                if (spec.type() == HealthCheckSpec.Type.HTTPS) {
                    channel.pipeline().addLast(tls.newHandler(channel.alloc()));
                }
                channel.pipeline().addLast(new HttpClientCodec(4096, MAX_HEADER_BYTES, 8192),
                        new HttpProbeHandler(target, spec.path(), result));
            }
        };
    }

    /**
     * A failure in a few words: its message, or what it is when it has none (Netty throws a bare
     * NoRouteToHostException when the backend's network is gone, and prefixes the address to its "null" message).
     */
    static String describe(Throwable cause) {
        String message = cause.getMessage();
        String what = cause instanceof NoRouteToHostException ? "no route to host" : cause.getClass().getSimpleName();
        if (message == null) {
            return what;
        }
        return message.startsWith("null: ") ? what + message.substring("null".length()) : message;
    }

    /** Checks ask "does it answer?", not "is it who it claims?": certificates are not verified (as HAProxy's default). */
    private static SslContext insecureTls() {
        try {
            return SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot set up TLS for https health checks: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }
}
