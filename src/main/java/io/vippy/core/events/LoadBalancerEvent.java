package io.vippy.core.events;

import io.vippy.core.model.LoadBalancer;

/**
 * One change, numbered by the store revision it reflects: a change written to the store carries the revision of
 * that write; a change this node works out by itself (status, message, backend health) carries the revision of the
 * stored state it describes, so revisions never decrease along a stream, and a watcher that resumes from a
 * revision it has seen receives every change at or after it: some again, none missed. {@code loadBalancer} is null
 * only for {@link Type#SNAPSHOT_END} and {@link Type#RESYNC}.
 */
public record LoadBalancerEvent(Type type, long revision, LoadBalancer loadBalancer) {

    public enum Type {
        /** Part of the current state, sent first to a new watcher. */
        SNAPSHOT,
        /** The current state has been sent; live changes follow. */
        SNAPSHOT_END,
        /** Created or changed. */
        UPSERTED,
        /** Gone; carries its last state. */
        DELETED,
        /** The watcher fell too far behind, or asked to resume from a revision no longer held: watch again. */
        RESYNC
    }
}
