package io.vippy.bfd.session;

import io.vippy.bfd.codec.BfdDiagnostic;
import io.vippy.bfd.codec.BfdState;
import java.time.Duration;

/**
 * A session as operators see it: its state, why it last went down, the peer's state and discriminators, and
 * the detection time now in force (zero until the peer has been heard).
 */
public record BfdSessionStatus(BfdState state, BfdDiagnostic diagnostic, BfdState remoteState,
        long localDiscriminator, long remoteDiscriminator, Duration detectionTime) {
}
