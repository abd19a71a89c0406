package io.vippy.core.reconciler;

/**
 * A pass stopped at a step that is the leader's (reserving, releasing, forgetting) on a node that does not lead.
 * The address arriving through the store, or this node gaining the lead, runs the pass again; the pass is also retried
 * with backoff like a transient failure (it calls nothing outside), so a lead regained between two membership ticks,
 * which no event reports, cannot leave a load balancer waiting for ever. Not a failure for readiness.
 */
final class AwaitingLeader extends RuntimeException {
    AwaitingLeader(String message) {
        super(message, null, false, false);
    }
}
