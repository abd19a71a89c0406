package io.vippy.address.metal.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Body of {@code POST /devices/{id}/bgp/sessions}: {@code address_family} is {@code ipv4} or {@code ipv6}. */
public record BgpSessionRequest(
        @JsonProperty("address_family") String addressFamily,
        @JsonProperty("default_route") boolean defaultRoute) {
}
