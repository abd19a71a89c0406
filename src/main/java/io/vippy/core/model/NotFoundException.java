package io.vippy.core.model;

/** An unknown load balancer or backend (HTTP 404). */
public class NotFoundException extends RuntimeException {
    public NotFoundException(String message) {
        super(message);
    }
}
