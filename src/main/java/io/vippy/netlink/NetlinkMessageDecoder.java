package io.vippy.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** Splits one received datagram into netlink messages (framing only; payloads are parsed by families). */
public final class NetlinkMessageDecoder {
    private NetlinkMessageDecoder() {
    }

    public static List<NetlinkMessage> decode(ByteBuffer datagram) {
        ByteBuffer in = datagram.slice().order(ByteOrder.nativeOrder());
        List<NetlinkMessage> messages = new ArrayList<>();
        while (in.hasRemaining()) {
            int start = in.position();
            if (in.remaining() < NetlinkConstants.HEADER_LENGTH) {
                throw new NetlinkDecodingException("netlink datagram ends with " + in.remaining()
                        + " bytes, too short for a message header");
            }
            int length = in.getInt();
            int type = Short.toUnsignedInt(in.getShort());
            int flags = Short.toUnsignedInt(in.getShort());
            int sequence = in.getInt();
            int portId = in.getInt();
            if (length < NetlinkConstants.HEADER_LENGTH || length > in.remaining() + NetlinkConstants.HEADER_LENGTH) {
                throw new NetlinkDecodingException("netlink message at offset " + start + " claims " + length
                        + " bytes but " + (in.remaining() + NetlinkConstants.HEADER_LENGTH) + " remain");
            }
            byte[] payload = new byte[length - NetlinkConstants.HEADER_LENGTH];
            in.get(payload);
            messages.add(new NetlinkMessage(type, flags, sequence, portId, payload));
            in.position(Math.min(in.limit(), start + NetlinkConstants.align(length)));
        }
        return messages;
    }
}
