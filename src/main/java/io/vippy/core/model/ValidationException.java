package io.vippy.core.model;

/** The caller asked for something invalid; the message is one sentence a person can act on (HTTP 400). */
public class ValidationException extends RuntimeException {
    public ValidationException(String message) {
        super(message);
    }
}
