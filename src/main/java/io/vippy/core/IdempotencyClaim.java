package io.vippy.core;

import java.util.UUID;

/** What an idempotency key stands for: the fingerprint of the request first sent with it, and the uuid it made. */
public record IdempotencyClaim(String fingerprint, UUID uuid) {
}
