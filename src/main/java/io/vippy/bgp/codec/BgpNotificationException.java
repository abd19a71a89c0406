package io.vippy.bgp.codec;

import io.netty.handler.codec.DecoderException;
import java.nio.ByteBuffer;

/**
 * A received message broke the protocol; the session answers with a NOTIFICATION carrying these fields and
 * closes. A {@link DecoderException} so that Netty passes it on unwrapped.
 */
public class BgpNotificationException extends DecoderException {
    private final int code;
    private final int subcode;
    private final ByteBuffer data;

    public BgpNotificationException(int code, int subcode, byte[] data, String message) {
        super(message + " (NOTIFICATION " + code + "/" + subcode + ")");
        this.code = code;
        this.subcode = subcode;
        this.data = ByteBuffer.wrap(data.clone()).asReadOnlyBuffer();
    }

    public BgpNotificationException(int code, int subcode, String message) {
        this(code, subcode, new byte[0], message);
    }

    public int code() {
        return code;
    }

    public int subcode() {
        return subcode;
    }

    public ByteBuffer data() {
        return data.duplicate();
    }

    /** The NOTIFICATION to send for this error. */
    public BgpNotificationMessage toMessage() {
        return new BgpNotificationMessage(code, subcode, data());
    }
}
