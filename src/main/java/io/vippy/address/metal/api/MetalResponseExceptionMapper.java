package io.vippy.address.metal.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.eclipse.microprofile.rest.client.ext.ResponseExceptionMapper;

/** Turns an error answer into {@link MetalAuthenticationException} (401, 403) or {@link MetalApiException}. */
final class MetalResponseExceptionMapper implements ResponseExceptionMapper<RuntimeException> {
    static final String RATE_LIMIT_RESET = "X-RateLimit-Reset";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public boolean handles(int status, MultivaluedMap<String, Object> headers) {
        return status >= 400;
    }

    @Override
    public RuntimeException toThrowable(Response response) {
        int status = response.getStatus();
        String message = errorMessage(response.hasEntity() ? response.readEntity(String.class) : "");
        if (status == 401 || status == 403) {
            return new MetalAuthenticationException(status, message);
        }
        return new MetalApiException(status, message, rateLimitReset(response.getHeaderString(RATE_LIMIT_RESET)));
    }

    /** The Error schema: {@code {"errors": [..]}} and/or {@code {"error": ".."}}; anything else verbatim. */
    static String errorMessage(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        try {
            JsonNode node = JSON.readTree(body);
            List<String> parts = new ArrayList<>();
            node.path("errors").forEach(e -> parts.add(e.asText()));
            if (node.hasNonNull("error")) {
                parts.add(node.get("error").asText());
            }
            return parts.isEmpty() ? body.strip() : String.join("; ", parts);
        } catch (java.io.IOException notJson) {
            return body.strip();
        }
    }

    private static OptionalLong rateLimitReset(String header) {
        if (header == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(header.trim()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    @Override
    public int getPriority() {
        return 0;
    }
}
