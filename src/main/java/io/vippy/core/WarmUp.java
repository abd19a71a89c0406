package io.vippy.core;

import io.vippy.core.model.Addresses;
import io.vippy.core.model.Backend;
import io.vippy.core.model.BackendHealth;
import io.vippy.core.model.HealthCheckSpec;
import io.vippy.core.model.IpFamily;
import io.vippy.core.model.LoadBalancer;
import io.vippy.core.model.LoadBalancerStatus;
import io.vippy.core.model.Protocol;
import io.vippy.core.model.Scheduler;
import java.util.List;
import java.util.UUID;

/**
 * A part of the first create's path, run once at start-up on {@link #SAMPLE}, so that the first create does not pay
 * for loading and first running it (it cost several times a later create). Touches neither the kernel, nor the
 * store, nor the peers.
 */
public interface WarmUp {
    /** A load balancer with one backend at documentation addresses, as a create with one backend makes it. */
    LoadBalancer SAMPLE = new LoadBalancer(new UUID(0, 0), "warm-up", 80, Protocol.TCP, Scheduler.RR, IpFamily.IPV4,
            HealthCheckSpec.DEFAULT, Addresses.parseLiteral("192.0.2.10", "address"),
            List.of(new Backend(new UUID(0, 1), Addresses.parseLiteral("192.0.2.20", "ip"), 8080, 1, BackendHealth.UNKNOWN)),
            LoadBalancerStatus.ACTIVE, "");

    void warmUp();
}
