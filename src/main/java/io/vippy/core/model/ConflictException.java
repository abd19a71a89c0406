package io.vippy.core.model;

/** The request clashes with existing state, such as a duplicate backend (HTTP 409). */
public class ConflictException extends RuntimeException {
    public ConflictException(String message) {
        super(message);
    }
}
