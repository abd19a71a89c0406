package io.vippy.core.events;

import io.vippy.core.model.LoadBalancer;

/**
 * One change, numbered: revisions increase by one with every change this process makes. {@code loadBalancer}
 * is null only for {@link Type#SNAPSHOT_END} and {@link Type#RESYNC}.
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
        /** The watcher fell too far behind; events were lost and it should watch again. */
        RESYNC
    }
}
