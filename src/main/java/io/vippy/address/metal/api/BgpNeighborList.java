package io.vippy.address.metal.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** Answer of {@code GET /devices/{id}/bgp/neighbors}. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BgpNeighborList(@JsonProperty("bgp_neighbors") List<BgpNeighborData> bgpNeighbors) {

    public BgpNeighborList {
        bgpNeighbors = bgpNeighbors == null ? List.of() : List.copyOf(bgpNeighbors);
    }
}
