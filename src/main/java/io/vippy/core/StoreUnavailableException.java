package io.vippy.core;

/** The store cannot be reached; the write was not made (or its outcome is unknown, as the message says). */
public class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
