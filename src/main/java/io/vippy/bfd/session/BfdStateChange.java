package io.vippy.bfd.session;

import io.vippy.bfd.codec.BfdDiagnostic;
import io.vippy.bfd.codec.BfdState;

/** One change of a session's state, with why and what the peer last said its state was. */
public record BfdStateChange(BfdState from, BfdState to, BfdDiagnostic diagnostic, BfdState remoteState) {

    /**
     * The path failed: an Up session went Down, and not because the peer took it down administratively (which
     * RFC 5882 §3.2 says is no reason to tear down the protocol that BFD watches).
     */
    public boolean isPathFailure() {
        return from == BfdState.UP && to == BfdState.DOWN && remoteState != BfdState.ADMIN_DOWN;
    }
}
