package io.vippy.core;

import java.time.Instant;

/**
 * One BGP session as operators see it. {@code establishedSince} is null unless established; {@code bfd} is the
 * state of the BFD session beside it, null when BFD does not watch this peer.
 */
public record PeerStatus(String peer, long peerAsn, String state, Instant establishedSince, int prefixesSent,
        String lastError, String bfd) {

    public PeerStatus withBfd(String bfdState) {
        return new PeerStatus(peer, peerAsn, state, establishedSince, prefixesSent, lastError, bfdState);
    }
}
