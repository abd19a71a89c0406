package io.vippy.core;

import java.time.Instant;

/** One BGP session as operators see it. {@code establishedSince} is null unless established. */
public record PeerStatus(String peer, long peerAsn, String state, Instant establishedSince, int prefixesSent,
        String lastError) {
}
