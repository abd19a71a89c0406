package io.vippy.address.metal.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * An IP reservation as {@code GET /projects/{id}/ips} and {@code POST /projects/{id}/ips} return it: only the
 * fields Vippy reads. The project listing also holds management blocks ({@code management: true}).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record IpReservation(
        String id,
        String type,
        String address,
        @JsonProperty("address_family") int addressFamily,
        int cidr,
        String state,
        boolean management,
        List<String> tags,
        @JsonProperty("created_at") OffsetDateTime createdAt) {

    public IpReservation {
        tags = tags == null ? List.of() : List.copyOf(tags);
    }
}
