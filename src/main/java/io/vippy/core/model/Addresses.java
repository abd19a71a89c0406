package io.vippy.core.model;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Parsing and printing of IP literals, never touching DNS. */
public final class Addresses {
    private Addresses() {
    }

    /**
     * Parses an IPv4 or IPv6 literal. {@link InetAddress#getByName} would resolve host names; this
     * refuses anything that is not a literal.
     */
    public static InetAddress parseLiteral(String text, String field) {
        if (text == null || text.isBlank()) {
            throw new ValidationException(field + " is required.");
        }
        String literal = text.trim();
        boolean v4 = literal.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean v6 = literal.indexOf(':') >= 0 && literal.matches("[0-9A-Fa-f:.]+");
        if (v4) {
            for (String part : literal.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    throw notLiteral(field, text);
                }
            }
        }
        if (!v4 && !v6) {
            throw notLiteral(field, text);
        }
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw notLiteral(field, text);
        }
    }

    private static ValidationException notLiteral(String field, String text) {
        return new ValidationException(field + " must be an IPv4 or IPv6 address, not \"" + text + "\".");
    }

    /** The address as text: dotted quad, or the compressed IPv6 form. */
    public static String format(InetAddress address) {
        if (address instanceof Inet6Address) {
            return compressIpv6(address.getAddress());
        }
        return address.getHostAddress();
    }

    /** ip:port, with IPv6 in brackets. */
    public static String endpoint(InetAddress address, int port) {
        String host = format(address);
        return (address instanceof Inet6Address ? "[" + host + "]" : host) + ":" + port;
    }

    /** RFC 5952 text: lower case, longest run of two or more zero groups as "::". */
    private static String compressIpv6(byte[] bytes) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }
}
