package io.vippy.core;

import io.vippy.core.model.ValidationException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A caller's {@code Idempotency-Key} (REST) or {@code request_id} (gRPC) within the operation it names: creating a
 * load balancer, or adding a backend to one given load balancer. The same string used for two operations is two
 * keys, so they never collide.
 */
public record IdempotencyKey(String scope, String key) {
    public static final int MAX_LENGTH = 255;

    public IdempotencyKey {
        if (key.isEmpty() || key.length() > MAX_LENGTH) {
            throw new ValidationException("an idempotency key (Idempotency-Key, request_id) must be 1 to " + MAX_LENGTH
                    + " characters.");
        }
    }

    /** The SHA-256 of scope and key, in hex: what a store names the record by (fixed length, any characters in). */
    public String digest() {
        return sha256(scope + "\n" + key);
    }

    /**
     * The fingerprint of a parsed request (a record of the core's specs, defaults filled in): the same request sent
     * with other whitespace, field order or through the other API has the same fingerprint.
     */
    public static String fingerprint(Record request) {
        return sha256(request.toString());
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
