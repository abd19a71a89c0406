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

    /** The protocol with this IANA number, as tools print it where no {@code /etc/protocols} names it. */
    public static Protocol ofNumber(int number) {
        for (Protocol protocol : values()) {
            if (protocol.number() == number) {
                return protocol;
            }
        }
        throw new ValidationException("protocol number must be 6 (tcp) or 17 (udp), not " + number + ".");
    }
}
