package io.vippy.bfd.codec;

/** Wire constants of the BFD Control packet (RFC 5880 §4.1). */
final class BfdConstants {
    static final int VERSION = 1;
    /** The mandatory section: the whole packet when the A bit is clear. */
    static final int MANDATORY_LENGTH = 24;
    /** The mandatory section plus the smallest authentication section (type and length). */
    static final int MIN_AUTHENTICATED_LENGTH = 26;
    /** The Length field is one byte, so no valid packet is longer. */
    static final int MAX_LENGTH = 255;

    static final int POLL = 0x20;
    static final int FINAL = 0x10;
    static final int CONTROL_PLANE_INDEPENDENT = 0x08;
    static final int AUTHENTICATION_PRESENT = 0x04;
    static final int DEMAND = 0x02;
    static final int MULTIPOINT = 0x01;

    private BfdConstants() {
    }
}
