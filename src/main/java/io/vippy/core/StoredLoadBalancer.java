package io.vippy.core;

import io.vippy.core.model.LoadBalancer;

/** A load balancer's durable state and the store revision of its last write (what a write compares). */
public record StoredLoadBalancer(LoadBalancer loadBalancer, long revision) {
}
