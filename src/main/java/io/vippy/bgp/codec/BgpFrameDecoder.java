package io.vippy.bgp.codec;

import static io.vippy.bgp.codec.BgpConstants.HEADER_LENGTH;
import static io.vippy.bgp.codec.BgpConstants.MARKER_LENGTH;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Cuts the TCP stream into whole BGP messages (header included), checking the marker and the length field
 * (RFC 4271 §6.1) before waiting for a body. Parsing is {@link BgpMessageDecoder}'s job.
 */
public final class BgpFrameDecoder extends ByteToMessageDecoder {
    private final int maxMessageLength;

    public BgpFrameDecoder() {
        this(BgpConstants.MAX_MESSAGE_LENGTH);
    }

    public BgpFrameDecoder(int maxMessageLength) {
        this.maxMessageLength = maxMessageLength;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < HEADER_LENGTH) {
            return;
        }
        int start = in.readerIndex();
        for (int i = 0; i < MARKER_LENGTH; i++) {
            if (in.getByte(start + i) != (byte) 0xff) {
                in.skipBytes(in.readableBytes());
                throw new BgpNotificationException(BgpNotificationCodes.MESSAGE_HEADER_ERROR,
                        BgpNotificationCodes.CONNECTION_NOT_SYNCHRONIZED, "bad marker");
            }
        }
        int length = in.getUnsignedShort(start + MARKER_LENGTH);
        if (length < HEADER_LENGTH || length > maxMessageLength) {
            in.skipBytes(in.readableBytes());
            throw new BgpNotificationException(BgpNotificationCodes.MESSAGE_HEADER_ERROR,
                    BgpNotificationCodes.BAD_MESSAGE_LENGTH, new byte[] {(byte) (length >> 8), (byte) length},
                    "bad message length " + length);
        }
        if (in.readableBytes() >= length) {
            out.add(in.readRetainedSlice(length));
        }
    }
}
