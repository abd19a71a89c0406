package io.vippy.bfd.session;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.vippy.bfd.codec.BfdControlPacket;
import io.vippy.bfd.codec.BfdPacketEncoder;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.random.RandomGenerator;
import org.jboss.logging.Logger;

/**
 * Sends one session's packets from its own UDP source port (49152-65535, RFC 5881 §4) with TTL / hop limit 255,
 * the value single-hop receivers require and multihop receivers may check (GTSM). Send-only: replies come to the
 * well-known port, where the receiver reads them.
 */
public final class BfdTransmitter implements BfdPacketSink, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(BfdTransmitter.class);
    static final int FIRST_SOURCE_PORT = 49152;
    static final int LAST_SOURCE_PORT = 65535;
    private static final int BIND_ATTEMPTS = 32;
    private static final int TTL = 255;
    // Netty's epoll transport has no TTL option; raw setsockopt options do it.
    private static final IntegerUnixChannelOption IP_TTL = new IntegerUnixChannelOption("IP_TTL", 0, 2);
    private static final IntegerUnixChannelOption IPV6_UNICAST_HOPS = new IntegerUnixChannelOption("IPV6_UNICAST_HOPS", 41, 16);

    private final Channel channel;
    private final InetSocketAddress peer;

    private BfdTransmitter(Channel channel, InetSocketAddress peer) {
        this.channel = channel;
        this.peer = peer;
    }

    /**
     * Binds a socket on a free source port from {@code local} (an address, or the wildcard of the peer's family)
     * to send to {@code peer}. Must run on {@code eventLoop}: the socket belongs to its thread's network namespace.
     */
    public static Future<BfdTransmitter> open(EventLoop eventLoop, InetAddress local, InetSocketAddress peer,
            RandomGenerator random) {
        Promise<BfdTransmitter> opened = eventLoop.newPromise();
        bind(eventLoop, local, peer, random, 1, opened);
        return opened;
    }

    private static void bind(EventLoop eventLoop, InetAddress local, InetSocketAddress peer, RandomGenerator random,
            int attempt, Promise<BfdTransmitter> opened) {
        int port = random.nextInt(FIRST_SOURCE_PORT, LAST_SOURCE_PORT + 1);
        ChannelFuture bound = new Bootstrap().group(eventLoop).channel(EpollDatagramChannel.class)
                .option(ChannelOption.AUTO_READ, false)
                .option(peer.getAddress() instanceof Inet4Address ? IP_TTL : IPV6_UNICAST_HOPS, TTL)
                .handler(new ChannelInboundHandlerAdapter())
                .bind(new InetSocketAddress(local, port));
        bound.addListener(done -> {
            if (done.isSuccess()) {
                opened.setSuccess(new BfdTransmitter(bound.channel(), peer));
            } else if (attempt < BIND_ATTEMPTS) {
                bind(eventLoop, local, peer, random, attempt + 1, opened);
            } else {
                opened.setFailure(done.cause());
            }
        });
    }

    @Override
    public void send(BfdControlPacket packet) {
        ByteBuf out = channel.alloc().buffer(24);
        BfdPacketEncoder.INSTANCE.encode(packet, out);
        channel.writeAndFlush(new DatagramPacket(out, peer)).addListener((ChannelFutureListener) sent -> {
            if (!sent.isSuccess()) {
                LOG.debugf("BFD: sending to %s failed: %s", peer, sent.cause().toString());
            }
        });
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close();
    }
}
