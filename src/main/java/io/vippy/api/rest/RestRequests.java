package io.vippy.api.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vippy.core.BackendSpec;
import io.vippy.core.LoadBalancerSpec;
import io.vippy.core.model.Addresses;
import io.vippy.core.model.Backend;
import io.vippy.core.model.HealthCheckSpec;
import io.vippy.core.model.IpFamily;
import io.vippy.core.model.Protocol;
import io.vippy.core.model.Scheduler;
import java.util.Set;

/** Turns REST request bodies into the core's specs, applying the contract's defaults. */
final class RestRequests {
    private static final Set<String> CREATE_FIELDS = Set.of("name", "port", "protocol", "scheduler", "ipFamily",
            "healthCheck");
    private static final Set<String> HEALTH_FIELDS = Set.of("type", "path", "intervalMs", "timeoutMs", "rise", "fall");
    private static final Set<String> BACKEND_FIELDS = Set.of("ip", "port", "weight");
    private static final Set<String> PATCH_FIELDS = Set.of("weight");

    private RestRequests() {
    }

    static LoadBalancerSpec createLoadBalancer(ObjectMapper json, byte[] body) {
        JsonFields fields = JsonFields.parse(json, body, CREATE_FIELDS);
        String name = fields.requiredString("name");
        int port = fields.requiredInt("port", 1, 65535);
        Protocol protocol = fields.optionalString("protocol").map(Protocol::parse).orElse(Protocol.TCP);
        Scheduler scheduler = fields.optionalString("scheduler").map(Scheduler::parse).orElse(null);
        IpFamily family = fields.optionalString("ipFamily").map(IpFamily::parse).orElse(IpFamily.IPV4);
        HealthCheckSpec healthCheck = fields.object("healthCheck", HEALTH_FIELDS)
                .map(RestRequests::healthCheck)
                .orElse(HealthCheckSpec.DEFAULT);
        return new LoadBalancerSpec(name, port, protocol, scheduler, family, healthCheck);
    }

    private static HealthCheckSpec healthCheck(JsonFields fields) {
        HealthCheckSpec defaults = HealthCheckSpec.DEFAULT;
        return new HealthCheckSpec(
                HealthCheckSpec.Type.parse(fields.requiredString("type")),
                fields.optionalString("path").orElse(null),
                fields.optionalInt("intervalMs", 1, Integer.MAX_VALUE).orElse(defaults.intervalMs()),
                fields.optionalInt("timeoutMs", 1, Integer.MAX_VALUE).orElse(defaults.timeoutMs()),
                fields.optionalInt("rise", 1, 100).orElse(defaults.rise()),
                fields.optionalInt("fall", 1, 100).orElse(defaults.fall()));
    }

    static BackendSpec addBackend(ObjectMapper json, byte[] body) {
        JsonFields fields = JsonFields.parse(json, body, BACKEND_FIELDS);
        return new BackendSpec(
                Addresses.parseLiteral(fields.requiredString("ip"), "ip"),
                fields.requiredInt("port", 1, 65535),
                fields.optionalInt("weight", 0, Backend.MAX_WEIGHT).orElse(BackendSpec.DEFAULT_WEIGHT));
    }

    static int backendWeight(ObjectMapper json, byte[] body) {
        return JsonFields.parse(json, body, PATCH_FIELDS).requiredInt("weight", 0, Backend.MAX_WEIGHT);
    }
}
