package io.vippy.core.model;

/** Well-formed but impossible here, such as a scheduler the dataplane lacks (HTTP 422). */
public class UnprocessableException extends RuntimeException {
    public UnprocessableException(String message) {
        super(message);
    }
}
