package io.vippy.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds one netlink request: {@code nlmsghdr}, a family header written with the raw {@code put}
 * methods, then attributes, each padded to 4 bytes. The socket fills in length, sequence and the
 * REQUEST/ACK/DUMP flags when it sends.
 */
public final class NetlinkMessageBuilder {
    private final int type;
    private final int flags;
    private ByteBuffer buffer = ByteBuffer.allocate(256).order(ByteOrder.nativeOrder());

    /** {@code flags}: modifiers such as CREATE|EXCL; the socket adds REQUEST and ACK or DUMP. */
    public NetlinkMessageBuilder(int type, int flags) {
        this.type = type;
        this.flags = flags;
        buffer.position(NetlinkConstants.HEADER_LENGTH);
    }

    public int type() {
        return type;
    }

    public NetlinkMessageBuilder put8(int value) {
        ensure(1).put((byte) value);
        return this;
    }

    public NetlinkMessageBuilder put16(int value) {
        ensure(2).putShort((short) value);
        return this;
    }

    public NetlinkMessageBuilder put32(int value) {
        ensure(4).putInt(value);
        return this;
    }

    public NetlinkMessageBuilder attribute(int attributeType, byte[] value) {
        int length = NetlinkConstants.ATTRIBUTE_HEADER_LENGTH + value.length;
        ensure(NetlinkConstants.align(length)).putShort((short) length).putShort((short) attributeType).put(value);
        pad();
        return this;
    }

    public NetlinkMessageBuilder attribute8(int attributeType, int value) {
        return attribute(attributeType, new byte[] {(byte) value});
    }

    public NetlinkMessageBuilder attribute16(int attributeType, int value) {
        return attribute(attributeType, ordered(2, ByteOrder.nativeOrder()).putShort((short) value).array());
    }

    /** A u16 in network byte order (ports). */
    public NetlinkMessageBuilder attribute16BigEndian(int attributeType, int value) {
        return attribute(attributeType, ordered(2, ByteOrder.BIG_ENDIAN).putShort((short) value).array());
    }

    public NetlinkMessageBuilder attribute32(int attributeType, int value) {
        return attribute(attributeType, ordered(4, ByteOrder.nativeOrder()).putInt(value).array());
    }

    /** A NUL-terminated string. */
    public NetlinkMessageBuilder attributeString(int attributeType, String value) {
        byte[] text = value.getBytes(StandardCharsets.UTF_8);
        return attribute(attributeType, Arrays.copyOf(text, text.length + 1));
    }

    /** Opens a nested attribute; close it with {@link #endNested(int)} and the returned mark. */
    public int beginNested(int attributeType) {
        int start = buffer.position();
        ensure(4).putShort((short) 0).putShort((short) (attributeType | NetlinkConstants.ATTRIBUTE_NESTED));
        return start;
    }

    public NetlinkMessageBuilder endNested(int mark) {
        buffer.putShort(mark, (short) (buffer.position() - mark));
        return this;
    }

    /** The finished message with its length, {@code extraFlags} added to the builder's, and sequence. */
    public byte[] encode(int sequence, int extraFlags) {
        int length = buffer.position();
        ByteBuffer out = ByteBuffer.wrap(Arrays.copyOf(buffer.array(), length)).order(ByteOrder.nativeOrder());
        out.putInt(0, length).putShort(4, (short) type).putShort(6, (short) (flags | extraFlags))
                .putInt(8, sequence).putInt(12, 0);
        return out.array();
    }

    private void pad() {
        while (buffer.position() % NetlinkConstants.ALIGNMENT != 0) {
            buffer.put((byte) 0);
        }
    }

    private ByteBuffer ensure(int bytes) {
        if (buffer.remaining() < bytes) {
            int capacity = Math.max(buffer.capacity() * 2, buffer.position() + bytes);
            ByteBuffer bigger = ByteBuffer.allocate(capacity).order(ByteOrder.nativeOrder());
            bigger.put(buffer.array(), 0, buffer.position());
            buffer = bigger;
        }
        return buffer;
    }

    private static ByteBuffer ordered(int size, ByteOrder order) {
        return ByteBuffer.allocate(size).order(order);
    }
}
