package io.vippy.address.metal;

import io.vippy.core.model.HealthCheckSpec;
import io.vippy.core.model.IpFamily;
import io.vippy.core.model.LoadBalancer;
import io.vippy.core.model.LoadBalancerStatus;
import io.vippy.core.model.Protocol;
import io.vippy.core.model.Scheduler;
import java.net.InetAddress;
import java.util.List;
import java.util.UUID;

/** Stored load balancers as the core would hand them to {@code restore}. */
final class MetalLoadBalancers {
    private MetalLoadBalancers() {
    }

    static LoadBalancer stored(UUID uuid, InetAddress address) {
        return new LoadBalancer(uuid, "lb-" + uuid, 6443, Protocol.TCP, Scheduler.RR, IpFamily.IPV4,
                HealthCheckSpec.DEFAULT, address, List.of(),
                address == null ? LoadBalancerStatus.PENDING : LoadBalancerStatus.ACTIVE, "");
    }
}
