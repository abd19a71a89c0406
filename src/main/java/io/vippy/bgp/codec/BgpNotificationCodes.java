package io.vippy.bgp.codec;

/** NOTIFICATION error codes and subcodes (RFC 4271 §4.5, RFC 4486, RFC 5492, RFC 6608, RFC 9384). */
public final class BgpNotificationCodes {
    public static final int MESSAGE_HEADER_ERROR = 1;
    public static final int CONNECTION_NOT_SYNCHRONIZED = 1;
    public static final int BAD_MESSAGE_LENGTH = 2;
    public static final int BAD_MESSAGE_TYPE = 3;

    public static final int OPEN_MESSAGE_ERROR = 2;
    public static final int UNSPECIFIC = 0;
    public static final int UNSUPPORTED_VERSION = 1;
    public static final int BAD_PEER_AS = 2;
    public static final int BAD_BGP_IDENTIFIER = 3;
    public static final int UNSUPPORTED_OPTIONAL_PARAMETER = 4;
    public static final int UNACCEPTABLE_HOLD_TIME = 6;

    public static final int UPDATE_MESSAGE_ERROR = 3;
    public static final int MALFORMED_ATTRIBUTE_LIST = 1;
    public static final int UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE = 2;
    public static final int MISSING_WELL_KNOWN_ATTRIBUTE = 3;
    public static final int ATTRIBUTE_FLAGS_ERROR = 4;
    public static final int ATTRIBUTE_LENGTH_ERROR = 5;
    public static final int INVALID_ORIGIN = 6;
    public static final int OPTIONAL_ATTRIBUTE_ERROR = 9;
    public static final int INVALID_NETWORK_FIELD = 10;
    public static final int MALFORMED_AS_PATH = 11;

    public static final int HOLD_TIMER_EXPIRED = 4;

    public static final int FSM_ERROR = 5;
    public static final int UNEXPECTED_IN_OPEN_SENT = 1;
    public static final int UNEXPECTED_IN_OPEN_CONFIRM = 2;
    public static final int UNEXPECTED_IN_ESTABLISHED = 3;

    public static final int CEASE = 6;
    public static final int ADMINISTRATIVE_SHUTDOWN = 2;
    /** RFC 9384: the session was torn down because BFD declared the path down. */
    public static final int BFD_DOWN = 10;

    private BgpNotificationCodes() {
    }
}
