package io.vippy.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One netlink message as received: the {@code nlmsghdr} fields and the payload that follows the header
 * (a family header such as {@code genlmsghdr}, then attributes). The payload is a private copy.
 */
public record NetlinkMessage(int type, int flags, int sequence, int portId, byte[] payload) {

    /** The payload in host byte order, positioned at its start. */
    public ByteBuffer payloadBuffer() {
        return ByteBuffer.wrap(payload).order(ByteOrder.nativeOrder());
    }

    /** The attributes that follow a family header of {@code familyHeaderLength} bytes. */
    public NetlinkAttributes attributes(int familyHeaderLength) {
        if (payload.length < familyHeaderLength) {
            throw new NetlinkDecodingException("netlink message type " + type + " has " + payload.length
                    + " payload bytes, shorter than its " + familyHeaderLength + "-byte family header");
        }
        return NetlinkAttributes.decode(payloadBuffer().position(familyHeaderLength));
    }
}
