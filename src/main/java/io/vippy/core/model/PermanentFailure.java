package io.vippy.core.model;

/**
 * A reconcile step failed in a way retrying cannot fix (quota exceeded, approval required, kernel says
 * the request is invalid). The load balancer goes to FAILED with this message; any other exception from a
 * step is treated as transient and retried with backoff.
 */
public class PermanentFailure extends RuntimeException {
    public PermanentFailure(String message) {
        super(message);
    }

    public PermanentFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
