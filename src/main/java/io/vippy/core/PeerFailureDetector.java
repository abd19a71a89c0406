package io.vippy.core;

import java.util.Optional;

/**
 * Fast detection that the forwarding path to a BGP neighbour failed, faster than the BGP hold time (BFD). The
 * speaker tears a session down when its path fails and connects again once the path is back up.
 */
public interface PeerFailureDetector {

    /** What the speaker does about one neighbour's path; called on the detector's thread, never blocking. */
    interface PathObserver {
        /** A path that was up failed (not when the neighbour took it down administratively). */
        void failed();

        /** The path is up (again). */
        void up();
    }

    /** Detects nothing: BGP relies on its hold time alone. */
    PeerFailureDetector NONE = new PeerFailureDetector() {
        @Override
        public void watch(BgpNeighbor neighbor, PathObserver observer) {
        }

        @Override
        public Optional<String> state(BgpNeighbor neighbor) {
            return Optional.empty();
        }
    };

    /** Watches the path to the neighbour, telling {@code observer} each time it fails and each time it comes up. */
    void watch(BgpNeighbor neighbor, PathObserver observer);

    /** The path's state for operators ({@code UP}, {@code DOWN}, ...); empty when this neighbour is not watched. */
    Optional<String> state(BgpNeighbor neighbor);
}
