package io.vippy.address.metal.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** A device's BGP session; {@code status} holds one value per switch, such as {@code "up,down"}. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BgpSession(String id, @JsonProperty("address_family") String addressFamily, String status) {
}
