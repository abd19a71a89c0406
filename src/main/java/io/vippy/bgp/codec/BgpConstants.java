package io.vippy.bgp.codec;

/** Wire constants shared by the encoder and the decoders. */
final class BgpConstants {
    static final int MARKER_LENGTH = 16;
    static final int HEADER_LENGTH = 19;
    static final int MAX_MESSAGE_LENGTH = 4096;
    static final int VERSION = 4;
    static final int AS_TRANS = 23456;

    static final int MIN_OPEN_LENGTH = 29;
    static final int MIN_UPDATE_LENGTH = 23;
    static final int MIN_NOTIFICATION_LENGTH = 21;
    static final int ROUTE_REFRESH_LENGTH = 23;

    static final int OPTIONAL_PARAMETER_CAPABILITIES = 2;
    static final int CAPABILITY_MULTIPROTOCOL = 1;
    static final int CAPABILITY_ROUTE_REFRESH = 2;
    static final int CAPABILITY_GRACEFUL_RESTART = 64;
    static final int CAPABILITY_FOUR_OCTET_AS = 65;
    static final int GRACEFUL_RESTART_STATE_BIT = 0x8000;
    static final int GRACEFUL_RESTART_TIME_MASK = 0x0fff;
    static final int GRACEFUL_RESTART_FORWARDING_BIT = 0x80;

    static final int FLAG_OPTIONAL = 0x80;
    static final int FLAG_TRANSITIVE = 0x40;
    static final int FLAG_EXTENDED_LENGTH = 0x10;

    static final int ATTR_ORIGIN = 1;
    static final int ATTR_AS_PATH = 2;
    static final int ATTR_NEXT_HOP = 3;
    static final int ATTR_MULTI_EXIT_DISC = 4;
    static final int ATTR_LOCAL_PREF = 5;
    static final int ATTR_COMMUNITIES = 8;
    static final int ATTR_MP_REACH_NLRI = 14;
    static final int ATTR_MP_UNREACH_NLRI = 15;

    static final int AS_SET = 1;
    static final int AS_SEQUENCE = 2;

    private BgpConstants() {
    }
}
