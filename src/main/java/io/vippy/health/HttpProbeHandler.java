package io.vippy.health;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.Promise;
import io.vippy.core.model.Addresses;
import java.net.InetSocketAddress;

/**
 * An HTTP/1.1 {@code GET path} once the connection is up; the status line decides: 2xx and 3xx are healthy,
 * anything else, a malformed answer or a close before one, is not. The body is never read.
 */
final class HttpProbeHandler extends SimpleChannelInboundHandler<HttpObject> {
    static final int FIRST_HEALTHY_STATUS = 200;
    static final int LAST_HEALTHY_STATUS = 399;

    private final InetSocketAddress target;
    private final String path;
    private final Promise<ProbeResult> result;

    HttpProbeHandler(InetSocketAddress target, String path, Promise<ProbeResult> result) {
        this.target = target;
        this.path = path;
        this.result = result;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
        request.headers()
                .set(HttpHeaderNames.HOST, Addresses.endpoint(target.getAddress(), target.getPort()))
                .set(HttpHeaderNames.USER_AGENT, "vippy-health")
                .set(HttpHeaderNames.ACCEPT, "*/*")
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(request);
        ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject message) {
        if (message.decoderResult().isFailure()) {
            result.trySuccess(ProbeResult.failure("malformed HTTP answer: "
                    + BackendProber.describe(message.decoderResult().cause())));
        } else if (message instanceof HttpResponse response) {
            int status = response.status().code();
            boolean healthy = status >= FIRST_HEALTHY_STATUS && status <= LAST_HEALTHY_STATUS;
            result.trySuccess(new ProbeResult(healthy, "HTTP " + status));
        }
        if (result.isDone()) {
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        result.trySuccess(ProbeResult.failure("closed before answering"));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        result.trySuccess(ProbeResult.failure(BackendProber.describe(cause)));
        ctx.close();
    }
}
