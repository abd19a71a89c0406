package io.vippy.core;

import java.util.UUID;

/**
 * What an idempotency key stands for: the fingerprint of the request first sent with it, the uuid it makes, and
 * whether that request has made it. A claim that says made, while its load balancer or backend is gone, was deleted
 * since: a repeat must not make it again.
 */
public record IdempotencyClaim(String fingerprint, UUID uuid, boolean made) {
    /** A claim about to be recorded: nothing made yet. */
    public static IdempotencyClaim unmade(String fingerprint, UUID uuid) {
        return new IdempotencyClaim(fingerprint, uuid, false);
    }
}
