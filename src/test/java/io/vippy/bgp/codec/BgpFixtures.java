package io.vippy.bgp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;

/** Hex fixtures written one commented field per line: everything after {@code #} on a line is a comment. */
final class BgpFixtures {
    static final String MARKER = "ffffffffffffffffffffffffffffffff";

    private BgpFixtures() {
    }

    static byte[] bytes(String fixture) {
        StringBuilder hex = new StringBuilder();
        for (String line : fixture.split("\n")) {
            int comment = line.indexOf('#');
            hex.append((comment >= 0 ? line.substring(0, comment) : line).replaceAll("\\s", ""));
        }
        return HexFormat.of().parseHex(hex);
    }

    static ByteBuf buf(String fixture) {
        return Unpooled.wrappedBuffer(bytes(fixture));
    }

    static String hex(ByteBuf buf) {
        byte[] bytes = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), bytes);
        return HexFormat.of().formatHex(bytes);
    }

    static String hex(String fixture) {
        return HexFormat.of().formatHex(bytes(fixture));
    }

    static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
