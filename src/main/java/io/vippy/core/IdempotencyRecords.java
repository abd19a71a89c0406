package io.vippy.core;

import java.time.Duration;
import java.time.Instant;

/**
 * Which request each idempotency key stands for, kept as durably and as widely shared as the load balancers (the
 * same database, the same etcd), so a retry is recognised after a restart and on another node. A request claims its
 * key before it creates anything, with the uuid it is about to use; whoever claims second, on whatever node, gets the
 * first claim back and works on that uuid. Blocking: never call it on an event loop.
 */
public interface IdempotencyRecords {
    /** How long a key stands for its first request. */
    Duration TTL = Duration.ofHours(24);

    /**
     * Records {@code key -> wanted} until {@code now + TTL} unless the key holds an unexpired claim already, atomically
     * (two racing claims, on any nodes: one records, both get it); returns the claim that holds.
     */
    IdempotencyClaim claim(IdempotencyKey key, IdempotencyClaim wanted, Instant now);

    /**
     * Records that the request holding {@code key} has made what it claimed, so that a repeat after a delete is
     * refused rather than making it again. Nothing happens if the key holds no claim (it expired).
     */
    void markMade(IdempotencyKey key, Instant now);
}
