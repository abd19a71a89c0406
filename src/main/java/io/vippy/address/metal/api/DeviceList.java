package io.vippy.address.metal.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** One page of {@code GET /projects/{id}/devices}. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DeviceList(List<Device> devices, Meta meta) implements MetalPage<Device> {

    @Override
    public List<Device> items() {
        return devices == null ? List.of() : devices;
    }
}
