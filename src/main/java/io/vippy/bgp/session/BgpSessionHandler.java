package io.vippy.bgp.session;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.vippy.bgp.codec.BgpMessage;

/** The last handler of a session's pipeline: turns what the channel reports into session events. */
final class BgpSessionHandler extends ChannelInboundHandlerAdapter {
    private final BgpSession session;

    BgpSessionHandler(BgpSession session) {
        this.session = session;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        session.fire(new SessionEvent.Received(ctx.channel(), (BgpMessage) message));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        session.fire(new SessionEvent.Failed(ctx.channel(), cause));
    }
}
