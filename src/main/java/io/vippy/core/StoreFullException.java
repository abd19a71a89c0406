package io.vippy.core;

/** The store has no room left for the write (its disk is full): nothing was written. */
public class StoreFullException extends StoreUnavailableException {
    public StoreFullException(String message, Throwable cause) {
        super(message, cause);
    }
}
