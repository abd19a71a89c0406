package io.vippy.testing;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;

/**
 * Byte fixtures written as hex, one commented field per line: {@code "0c 00  # nla_len 12"}. Everything
 * after {@code #} is a comment; whitespace is ignored. Netlink fixtures are little-endian (x86-64).
 */
public final class HexFixture {
    private HexFixture() {
    }

    public static byte[] bytes(String fixture) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String line : fixture.split("\n")) {
            int comment = line.indexOf('#');
            String hex = (comment >= 0 ? line.substring(0, comment) : line).replaceAll("\\s+", "");
            out.writeBytes(HexFormat.of().parseHex(hex));
        }
        return out.toByteArray();
    }

    public static String hex(byte[] bytes) {
        return HexFormat.ofDelimiter(" ").formatHex(bytes);
    }
}
