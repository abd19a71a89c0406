package io.vippy.bgp.session;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.vippy.bgp.codec.BgpFrameDecoder;
import io.vippy.bgp.codec.BgpMessageDecoder;
import io.vippy.bgp.codec.BgpMessageEncoder;
import io.vippy.core.BgpNeighbor;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Opens the TCP connection of a session with the epoll transport: TCP MD5 (RFC 2385) and the eBGP multihop TTL
 * are socket options set before {@code connect()}, and the source address is bound first when configured.
 * Must run on the event loop: the socket is created in that thread's network namespace.
 */
final class BgpConnector {
    static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    // Netty's epoll transport has no TTL option; a raw setsockopt option does it (IPPROTO_IP, IP_TTL).
    private static final IntegerUnixChannelOption IP_TTL = new IntegerUnixChannelOption("IP_TTL", 0, 2);
    // IPPROTO_IPV6, IPV6_UNICAST_HOPS.
    private static final IntegerUnixChannelOption IPV6_UNICAST_HOPS = new IntegerUnixChannelOption("IPV6_UNICAST_HOPS", 41, 16);

    private BgpConnector() {
    }

    static ChannelFuture connect(BgpNeighbor neighbor, EventLoop eventLoop, ChannelHandler sessionHandler) {
        Bootstrap bootstrap = new Bootstrap().group(eventLoop).channel(EpollSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(new BgpFrameDecoder(), new BgpMessageDecoder(),
                                BgpMessageEncoder.INSTANCE, sessionHandler);
                    }
                });
        neighbor.md5Password().ifPresent(password -> bootstrap.option(EpollChannelOption.TCP_MD5SIG,
                Map.of(neighbor.peerAddress(), password.getBytes(StandardCharsets.UTF_8))));
        if (neighbor.multihopTtl() > 1) {
            bootstrap.option(neighbor.peerAddress() instanceof Inet4Address ? IP_TTL : IPV6_UNICAST_HOPS,
                    neighbor.multihopTtl());
        }
        InetSocketAddress remote = new InetSocketAddress(neighbor.peerAddress(), neighbor.peerPort());
        return neighbor.sourceAddress().map(source -> bootstrap.connect(remote, new InetSocketAddress(source, 0)))
                .orElseGet(() -> bootstrap.connect(remote));
    }
}
