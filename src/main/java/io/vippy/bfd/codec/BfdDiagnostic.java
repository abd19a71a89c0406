package io.vippy.bfd.codec;

/**
 * The Diag field (RFC 5880 §4.1, RFC 6428): why the sender's session last went down. The registry is open,
 * so a code assigned after this list decodes as {@link #UNASSIGNED} instead of failing the packet.
 */
public enum BfdDiagnostic {
    NONE(0),
    CONTROL_DETECTION_TIME_EXPIRED(1),
    ECHO_FUNCTION_FAILED(2),
    NEIGHBOR_SIGNALED_SESSION_DOWN(3),
    FORWARDING_PLANE_RESET(4),
    PATH_DOWN(5),
    CONCATENATED_PATH_DOWN(6),
    ADMINISTRATIVELY_DOWN(7),
    REVERSE_CONCATENATED_PATH_DOWN(8),
    MIS_CONNECTIVITY_DEFECT(9),
    /** Received only: a code this list does not know; never sent. */
    UNASSIGNED(-1);

    private final int wireValue;

    BfdDiagnostic(int wireValue) {
        this.wireValue = wireValue;
    }

    public int wireValue() {
        return wireValue;
    }

    static BfdDiagnostic of(int wireValue) {
        for (BfdDiagnostic diagnostic : values()) {
            if (diagnostic.wireValue == wireValue) {
                return diagnostic;
            }
        }
        return UNASSIGNED;
    }
}
