package io.vippy.address.metal.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** Body of {@code POST /projects/{id}/ips} (IPReservationRequestInput); exactly one of metro and facility. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IpReservationRequest(
        String type,
        int quantity,
        String metro,
        String facility,
        List<String> tags,
        String details,
        @JsonProperty("fail_on_approval_required") boolean failOnApprovalRequired) {
}
