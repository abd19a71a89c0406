package io.vippy.address.metal.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** One entry of a device's BGP neighbours (API and metadata share the shape), one per address family. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BgpNeighborData(
        @JsonProperty("address_family") int addressFamily,
        @JsonProperty("customer_as") long customerAs,
        @JsonProperty("customer_ip") String customerIp,
        @JsonProperty("md5_enabled") boolean md5Enabled,
        @JsonProperty("md5_password") String md5Password,
        boolean multihop,
        @JsonProperty("peer_as") long peerAs,
        @JsonProperty("peer_ips") List<String> peerIps) {

    public BgpNeighborData {
        peerIps = peerIps == null ? List.of() : List.copyOf(peerIps);
    }
}
