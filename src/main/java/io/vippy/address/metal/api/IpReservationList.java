package io.vippy.address.metal.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** One page of {@code GET /projects/{id}/ips}. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record IpReservationList(@JsonProperty("ip_addresses") List<IpReservation> ipAddresses, Meta meta)
        implements MetalPage<IpReservation> {

    @Override
    public List<IpReservation> items() {
        return ipAddresses == null ? List.of() : ipAddresses;
    }
}
