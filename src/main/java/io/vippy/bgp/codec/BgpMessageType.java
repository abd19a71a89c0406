package io.vippy.bgp.codec;

/** The BGP message types (RFC 4271 §4.1, RFC 2918) with their wire values. */
public enum BgpMessageType {
    OPEN(1),
    UPDATE(2),
    NOTIFICATION(3),
    KEEPALIVE(4),
    ROUTE_REFRESH(5);

    private final int wireValue;

    BgpMessageType(int wireValue) {
        this.wireValue = wireValue;
    }

    public int wireValue() {
        return wireValue;
    }

    /** The type for a wire value, or null when BGP defines none. */
    public static BgpMessageType fromWire(int value) {
        for (BgpMessageType type : values()) {
            if (type.wireValue == value) {
                return type;
            }
        }
        return null;
    }
}
