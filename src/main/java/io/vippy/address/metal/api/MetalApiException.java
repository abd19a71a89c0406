package io.vippy.address.metal.api;

import java.util.OptionalLong;

/**
 * The Metal API answered with an error status. {@code apiMessage} joins the body's {@code errors} (or its
 * single {@code error}); {@code rateLimitReset} is {@code X-RateLimit-Reset}, unix epoch seconds.
 */
public class MetalApiException extends RuntimeException {
    private final int status;
    private final String apiMessage;
    private final OptionalLong rateLimitReset;

    public MetalApiException(int status, String apiMessage, OptionalLong rateLimitReset) {
        super("Equinix Metal answered HTTP " + status + (apiMessage.isEmpty() ? "" : ": " + apiMessage));
        this.status = status;
        this.apiMessage = apiMessage;
        this.rateLimitReset = rateLimitReset;
    }

    public int status() {
        return status;
    }

    public String apiMessage() {
        return apiMessage;
    }

    public OptionalLong rateLimitReset() {
        return rateLimitReset;
    }
}
