package io.vippy.address.metal.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** Pagination of a list answer (components/schemas/Meta.yaml); {@code next} is absent on the last page. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Meta(
        Href next,
        int total,
        @JsonProperty("current_page") int currentPage,
        @JsonProperty("last_page") int lastPage) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Href(String href) {
    }
}
