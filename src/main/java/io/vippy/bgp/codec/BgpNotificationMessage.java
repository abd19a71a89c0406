package io.vippy.bgp.codec;

import java.nio.ByteBuffer;
import java.util.HexFormat;

/** NOTIFICATION: an error code, a subcode and diagnostic data; the sender closes the connection after it. */
public record BgpNotificationMessage(int code, int subcode, ByteBuffer data) implements BgpMessage {

    public BgpNotificationMessage {
        data = data.asReadOnlyBuffer();
    }

    public static BgpNotificationMessage of(int code, int subcode) {
        return new BgpNotificationMessage(code, subcode, ByteBuffer.allocate(0));
    }

    public byte[] dataBytes() {
        byte[] bytes = new byte[data.remaining()];
        data.duplicate().get(bytes);
        return bytes;
    }

    @Override
    public BgpMessageType type() {
        return BgpMessageType.NOTIFICATION;
    }

    @Override
    public String toString() {
        return "NOTIFICATION " + code + "/" + subcode + (data.hasRemaining() ? " data " + HexFormat.of().formatHex(dataBytes()) : "");
    }
}
