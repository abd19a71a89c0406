package io.vippy.address.metal.api;

/** The Metal API kept failing transiently (5xx, 429, timeouts, dropped connections) for every attempt. */
public class MetalUnavailableException extends RuntimeException {

    public MetalUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
