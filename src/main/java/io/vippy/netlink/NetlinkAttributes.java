package io.vippy.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Decoded netlink attributes ({@code nlattr} TLVs) of one level: type to payload. Flag bits of the type
 * are masked off; a repeated type keeps its last value. Unknown types are kept, callers ignore them.
 */
public final class NetlinkAttributes {
    private final Map<Integer, byte[]> values;

    private NetlinkAttributes(Map<Integer, byte[]> values) {
        this.values = values;
    }

    /** Parses TLVs from the buffer's position to its limit. */
    public static NetlinkAttributes decode(ByteBuffer buffer) {
        ByteBuffer in = buffer.slice().order(ByteOrder.nativeOrder());
        Map<Integer, byte[]> values = new LinkedHashMap<>();
        while (in.remaining() >= NetlinkConstants.ATTRIBUTE_HEADER_LENGTH) {
            int start = in.position();
            int length = Short.toUnsignedInt(in.getShort());
            int type = Short.toUnsignedInt(in.getShort()) & NetlinkConstants.ATTRIBUTE_TYPE_MASK;
            if (length < NetlinkConstants.ATTRIBUTE_HEADER_LENGTH || length > in.remaining() + 4) {
                throw new NetlinkDecodingException("netlink attribute type " + type + " at offset " + start
                        + " claims " + length + " bytes but " + (in.remaining() + 4) + " remain");
            }
            byte[] value = new byte[length - NetlinkConstants.ATTRIBUTE_HEADER_LENGTH];
            in.get(value);
            values.put(type, value);
            in.position(Math.min(in.limit(), start + NetlinkConstants.align(length)));
        }
        if (in.hasRemaining()) {
            throw new NetlinkDecodingException(in.remaining() + " stray bytes after the last netlink attribute");
        }
        return new NetlinkAttributes(Collections.unmodifiableMap(values));
    }

    public boolean has(int type) {
        return values.containsKey(type);
    }

    public Set<Integer> types() {
        return values.keySet();
    }

    public byte[] bytes(int type) {
        byte[] value = values.get(type);
        if (value == null) {
            throw new NetlinkDecodingException("netlink attribute " + type + " is missing");
        }
        return value.clone();
    }

    public int u8(int type) {
        return Byte.toUnsignedInt(sized(type, 1).get());
    }

    public int u16(int type) {
        return Short.toUnsignedInt(sized(type, 2).getShort());
    }

    /** A u16 in network byte order (ports). */
    public int u16BigEndian(int type) {
        return Short.toUnsignedInt(sized(type, 2).order(ByteOrder.BIG_ENDIAN).getShort());
    }

    public int u32(int type) {
        return sized(type, 4).getInt();
    }

    public long u64(int type) {
        return sized(type, 8).getLong();
    }

    /** An unsigned counter of 1, 2, 4 or 8 bytes (stats attributes change width between kernel structs). */
    public long unsigned(int type) {
        byte[] value = bytes(type);
        return switch (value.length) {
            case 1 -> u8(type);
            case 2 -> u16(type);
            case 4 -> Integer.toUnsignedLong(u32(type));
            case 8 -> u64(type);
            default -> throw new NetlinkDecodingException("netlink attribute " + type + " has " + value.length
                    + " bytes, not an integer width");
        };
    }

    /** A NUL-terminated string; the terminator and anything after it are dropped. */
    public String string(int type) {
        byte[] value = bytes(type);
        int end = 0;
        while (end < value.length && value[end] != 0) {
            end++;
        }
        return new String(value, 0, end, StandardCharsets.UTF_8);
    }

    public NetlinkAttributes nested(int type) {
        return decode(ByteBuffer.wrap(bytes(type)));
    }

    private ByteBuffer sized(int type, int size) {
        byte[] value = bytes(type);
        if (value.length < size) {
            throw new NetlinkDecodingException("netlink attribute " + type + " has " + value.length
                    + " bytes, needs " + size);
        }
        return ByteBuffer.wrap(value).order(ByteOrder.nativeOrder());
    }

    @Override
    public String toString() {
        return "NetlinkAttributes" + values.keySet();
    }
}
