package io.vippy.core;

import io.vippy.core.model.LoadBalancer;
import java.util.List;
import java.util.UUID;

/**
 * Durable desired state. Every write is committed durably before it returns, so what the API
 * acknowledged survives {@code kill -9}. Blocking: never call it on an event loop.
 */
public interface StateStore {

    List<LoadBalancer> loadAll();

    /** Inserts or replaces the load balancer with its backends. */
    void put(LoadBalancer loadBalancer);

    /** Removes it; removing an unknown one succeeds. */
    void delete(UUID uuid);
}
