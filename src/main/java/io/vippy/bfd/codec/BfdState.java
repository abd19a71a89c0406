package io.vippy.bfd.codec;

/** The session states of RFC 5880 §4.1, with their wire values (Sta field). */
public enum BfdState {
    ADMIN_DOWN(0),
    DOWN(1),
    INIT(2),
    UP(3);

    private final int wireValue;

    BfdState(int wireValue) {
        this.wireValue = wireValue;
    }

    public int wireValue() {
        return wireValue;
    }

    /** Every two-bit value is a state. */
    static BfdState of(int wireValue) {
        return values()[wireValue & 0x3];
    }
}
