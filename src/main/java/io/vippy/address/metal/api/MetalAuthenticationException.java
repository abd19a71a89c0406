package io.vippy.address.metal.api;

/**
 * The Metal API refused the token (401) or the project (403). Never retried: nothing changes until the
 * operator fixes {@code PACKET_AUTH_TOKEN}/{@code METAL_AUTH_TOKEN} or {@code PROJECT_ID}.
 */
public class MetalAuthenticationException extends RuntimeException {

    public MetalAuthenticationException(int status, String apiMessage) {
        super("Equinix Metal refused the request (HTTP " + status + (apiMessage.isEmpty() ? "" : ": " + apiMessage)
                + "); check PACKET_AUTH_TOKEN or METAL_AUTH_TOKEN and PROJECT_ID");
    }
}
