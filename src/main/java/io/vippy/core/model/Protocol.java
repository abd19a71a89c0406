package io.vippy.core.model;

/** Transport protocol a load balancer forwards. */
public enum Protocol {
    TCP,
    UDP;

    /** IANA protocol number, as the kernel wants it. */
    public int number() {
        return this == TCP ? 6 : 17;
    }

    public String wireName() {
        return WireNames.of(this);
    }

    public static Protocol parse(String text) {
        return WireNames.parse(Protocol.class, text, "protocol");
    }
}
