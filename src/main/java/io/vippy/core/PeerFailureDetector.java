package io.vippy.core;

import java.util.Optional;

/**
 * Fast detection that the forwarding path to a BGP neighbour failed, faster than the BGP hold time (BFD). The
 * speaker tears a session down when its path fails and lets its reconnection run as after any other failure.
 */
public interface PeerFailureDetector {

    /** Detects nothing: BGP relies on its hold time alone. */
    PeerFailureDetector NONE = new PeerFailureDetector() {
        @Override
        public void watch(BgpNeighbor neighbor, Runnable onFailure) {
        }

        @Override
        public Optional<String> state(BgpNeighbor neighbor) {
            return Optional.empty();
        }
    };

    /**
     * Watches the path to the neighbour. {@code onFailure} runs, on the detector's thread and without blocking,
     * each time a path that was up fails (not when the neighbour takes it down administratively).
     */
    void watch(BgpNeighbor neighbor, Runnable onFailure);

    /** The path's state for operators ({@code UP}, {@code DOWN}, ...); empty when this neighbour is not watched. */
    Optional<String> state(BgpNeighbor neighbor);
}
