package io.vippy.netlink;

/** The kernel's answer could not be parsed: truncated, malformed, or missing an attribute Vippy needs. */
public class NetlinkDecodingException extends RuntimeException {
    public NetlinkDecodingException(String message) {
        super(message);
    }
}
