package io.vippy.api;

import io.vippy.core.reconciler.Convergence;
import io.vippy.core.reconciler.Reconciler;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * {@code /q/health/ready}: UP once the kernel and the routes match the stored state; DOWN, naming what fails,
 * while the start-up sync has not succeeded or a load balancer's last pass failed (its uuid and message).
 */
@Readiness
@ApplicationScoped
public class ConvergenceReadinessCheck implements HealthCheck {
    static final String NAME = "kernel and routes match the stored state";

    private final Reconciler reconciler;

    ConvergenceReadinessCheck(Reconciler reconciler) {
        this.reconciler = reconciler;
    }

    @Override
    public HealthCheckResponse call() {
        Convergence convergence = reconciler.convergence();
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME).status(convergence.converged());
        if (!convergence.synced()) {
            response.withData("start-up sync", convergence.startFailure().map(reason -> "failed, retrying: " + reason)
                    .orElse("in progress"));
        }
        convergence.failing().forEach((uuid, reason) -> response.withData("load balancer " + uuid, reason));
        return response.build();
    }
}
