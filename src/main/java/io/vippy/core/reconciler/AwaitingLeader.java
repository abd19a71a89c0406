package io.vippy.core.reconciler;

/**
 * A pass stopped at a step that is the leader's (reserving, releasing, forgetting) on a node that does not lead.
 * Not retried with backoff: the address arriving through the store, or this node gaining the lead, runs the pass again.
 */
final class AwaitingLeader extends RuntimeException {
    AwaitingLeader(String message) {
        super(message, null, false, false);
    }
}
