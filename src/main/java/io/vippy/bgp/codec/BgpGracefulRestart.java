package io.vippy.bgp.codec;

import java.util.List;

/**
 * The graceful restart capability (RFC 4724 §3).
 *
 * @param restarting the R bit: the sender has just restarted
 * @param restartTimeSeconds how long the peer should keep our routes after the session drops (12 bits)
 * @param families the address families whose routes the peer should keep
 */
public record BgpGracefulRestart(boolean restarting, int restartTimeSeconds, List<Family> families) {

    /** One address family, with the F bit: our forwarding state survived the restart. */
    public record Family(BgpAddressFamily family, boolean forwardingPreserved) {
    }

    public BgpGracefulRestart {
        if (restartTimeSeconds < 0 || restartTimeSeconds > 4095) {
            throw new IllegalArgumentException("graceful restart time must be 0..4095 s, not " + restartTimeSeconds);
        }
        families = List.copyOf(families);
    }
}
