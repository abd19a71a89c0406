package io.vippy.address.metal.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** A device of {@code GET /projects/{id}/devices}: the fields that identify it. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Device(String id, String hostname, String state) {
}
