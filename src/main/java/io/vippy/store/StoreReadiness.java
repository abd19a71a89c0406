package io.vippy.store;

import io.vippy.core.StateStore;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while the store takes writes: a node that lost etcd, or whose disk is full, keeps forwarding and
 * announcing what it holds, but cannot take changes, and says so here, naming the cause.
 */
@Readiness
@ApplicationScoped
public class StoreReadiness implements HealthCheck {
    private final StateStore store;

    StoreReadiness(StateStore store) {
        this.store = store;
    }

    @Override
    public HealthCheckResponse call() {
        return store.unavailable()
                .map(reason -> HealthCheckResponse.named("store").down().withData("store", store.name())
                        .withData("reason", reason).build())
                .orElseGet(() -> HealthCheckResponse.named("store").up().withData("store", store.name()).build());
    }
}
