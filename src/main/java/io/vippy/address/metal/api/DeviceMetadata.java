package io.vippy.address.metal.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The instance metadata document ({@code GET /metadata}); {@code bgp_neighbors} is absent until BGP is on. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DeviceMetadata(
        String id,
        String hostname,
        String metro,
        String facility,
        @JsonProperty("bgp_neighbors") List<BgpNeighborData> bgpNeighbors) {

    public DeviceMetadata {
        bgpNeighbors = bgpNeighbors == null ? List.of() : List.copyOf(bgpNeighbors);
    }
}
