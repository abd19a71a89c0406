package io.vippy.core;

import java.util.List;

/** Every stored load balancer, as of {@code revision}. */
public record StoreSnapshot(List<StoredLoadBalancer> loadBalancers, long revision) {

    public StoreSnapshot {
        loadBalancers = List.copyOf(loadBalancers);
    }
}
