package io.vippy.address.metal.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientResponseContext;
import jakarta.ws.rs.client.ClientResponseFilter;

/**
 * Counts every Metal API answer as {@code vippy_metal_api_requests_total{method,status}}, retries included, so
 * operators see rate limiting (429) and outages (5xx) as they happen. Calls that got no answer are not counted
 * here; they surface as reconcile step failures.
 */
final class MetalApiMetrics implements ClientResponseFilter {
    private final MeterRegistry registry;

    MetalApiMetrics() {
        this(Metrics.globalRegistry);
    }

    MetalApiMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void filter(ClientRequestContext request, ClientResponseContext response) {
        Counter.builder("vippy.metal.api.requests")
                .description("Equinix Metal API answers by method and HTTP status")
                .tags("method", request.getMethod(), "status", Integer.toString(response.getStatus()))
                .register(registry)
                .increment();
    }
}
