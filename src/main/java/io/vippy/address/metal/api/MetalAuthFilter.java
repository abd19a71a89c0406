package io.vippy.address.metal.api;

import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;

/** Adds the {@code X-Auth-Token} header, the API's only authentication scheme. */
final class MetalAuthFilter implements ClientRequestFilter {
    private final String token;

    MetalAuthFilter(String token) {
        this.token = token;
    }

    @Override
    public void filter(ClientRequestContext request) {
        request.getHeaders().putSingle("X-Auth-Token", token);
        request.getHeaders().putSingle("User-Agent", "vippy");
    }
}
