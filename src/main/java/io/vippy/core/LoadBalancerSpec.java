package io.vippy.core;

import io.vippy.core.model.HealthCheckSpec;
import io.vippy.core.model.IpFamily;
import io.vippy.core.model.Protocol;
import io.vippy.core.model.Scheduler;

/**
 * What a caller asks for when creating a load balancer; the APIs fill in the contract's defaults, but for the
 * scheduler: null asks for the default, which the service chooses (rr on one node; mh in a cluster, so that every
 * node picks the same backend for a flow).
 */
public record LoadBalancerSpec(String name, int port, Protocol protocol, Scheduler scheduler, IpFamily ipFamily,
        HealthCheckSpec healthCheck) {
}
