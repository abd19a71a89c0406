package io.vippy.core;

import io.vippy.core.model.LoadBalancer;
import java.util.UUID;

/**
 * Durable desired state, shared by every node that uses the same store. Every record carries the store revision
 * of its last write; writes compare it (optimistic concurrency), so two writers racing on one load balancer never
 * lose an update: one wins, the other gets {@link StoreConflictException} and retries on the newer record.
 * Every change is numbered by a store revision that only grows, and {@link #watch} delivers the changes of every
 * writer in that order. A write has reached the disk of the store (a quorum of etcd members) when it returns, so
 * what the API acknowledged survives {@code kill -9}. The idempotency records of the API's creates live in the
 * same store, so they are as durable and as shared. Blocking: never call it on an event loop.
 */
public interface StateStore extends IdempotencyRecords, WarmUp {

    /** {@code sqlite} or {@code etcd}. */
    String name();

    /** Everything stored, and the revision it was read at. */
    StoreSnapshot load();

    /**
     * Writes the load balancer's durable state if its stored revision is still {@code expectedRevision} (0: it must
     * not exist yet). {@code fenced}: the write is the leader's (an address reserved, a teardown finished) and is
     * refused with {@link FencedWriteException} unless this node still holds the leadership. Returns the revision
     * of the write.
     */
    long put(LoadBalancer loadBalancer, long expectedRevision, boolean fenced);

    /** Deletes it if its stored revision is still {@code expectedRevision}; fenced as for {@link #put}. */
    long delete(UUID uuid, long expectedRevision, boolean fenced);

    /**
     * Delivers every change after {@code revision}, in revision order, on one thread at a time. The changes this
     * process writes are delivered too (before {@link #put} returns where the store can, as SQLite does). When the
     * store can no longer replay from where the listener stands (etcd compacted its history), it delivers
     * {@link StoreListener#reset} with everything stored, and carries on from there.
     */
    void watch(long revision, StoreListener listener);

    /** Why the store cannot take writes now (etcd unreachable, a full disk), or empty when it can. */
    java.util.Optional<String> unavailable();

    /** Runs what the first write runs, storing nothing; by default nothing to do. */
    @Override
    default void warmUp() {
    }
}
