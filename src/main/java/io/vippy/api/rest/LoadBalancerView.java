package io.vippy.api.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.vippy.core.model.Addresses;
import io.vippy.core.model.Backend;
import io.vippy.core.model.HealthCheckSpec;
import io.vippy.core.model.LoadBalancer;
import java.util.List;

/**
 * A load balancer as the REST API shows it: the original walkthrough's fields first, in its order, with
 * {@code "backends": null} when there are none (as the original printed), then Vippy's additions.
 */
@JsonPropertyOrder({"uuid", "name", "eip", "port", "backends", "protocol", "scheduler", "ipFamily", "status",
        "message", "healthCheck"})
@JsonInclude(JsonInclude.Include.ALWAYS)
record LoadBalancerView(String uuid, String name, String eip, int port, List<BackendView> backends, String protocol,
        String scheduler, String ipFamily, String status, String message, HealthCheckView healthCheck) {

    static LoadBalancerView of(LoadBalancer lb) {
        List<BackendView> backends = lb.backends().isEmpty() ? null : lb.backends().stream().map(BackendView::of).toList();
        return new LoadBalancerView(lb.uuid().toString(), lb.name(),
                lb.address() == null ? "" : Addresses.format(lb.address()), lb.port(), backends,
                lb.protocol().wireName(), lb.scheduler().wireName(), lb.ipFamily().wireName(), lb.status().name(),
                lb.message(), HealthCheckView.of(lb.healthCheck()));
    }

    @JsonPropertyOrder({"uuid", "ip", "port", "weight", "health"})
    record BackendView(String uuid, String ip, int port, int weight, String health) {
        static BackendView of(Backend backend) {
            return new BackendView(backend.uuid().toString(), Addresses.format(backend.ip()), backend.port(),
                    backend.weight(), backend.health().wireName());
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"type", "path", "intervalMs", "timeoutMs", "rise", "fall"})
    record HealthCheckView(String type, String path, int intervalMs, int timeoutMs, int rise, int fall) {
        static HealthCheckView of(HealthCheckSpec spec) {
            return new HealthCheckView(spec.type().wireName(), spec.path(), spec.intervalMs(), spec.timeoutMs(),
                    spec.rise(), spec.fall());
        }
    }
}
