package io.vippy.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.health.SmallRyeHealthReporter;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code vippy_ready}: 1 while readiness ({@code /q/health/ready}) is UP, 0 while it is DOWN, so an alert can say
 * so. Evaluated every {@code vippy.metrics.refresh-interval} off the kernel thread (readiness checks may wait on it).
 */
@ApplicationScoped
public class ReadinessMetric {
    private final SmallRyeHealthReporter health;
    private final MetricsConfig config;
    private final AtomicInteger ready = new AtomicInteger();
    private Cancellable ticks;

    ReadinessMetric(SmallRyeHealthReporter health, MetricsConfig config, MeterRegistry registry) {
        this.health = health;
        this.config = config;
        Gauge.builder("vippy.ready", ready, AtomicInteger::get)
                .description("1 while readiness (/q/health/ready) is UP, 0 while it is DOWN").register(registry);
    }

    /**
     * After every other start-up observer, so that a start-up refused by one of them never has readiness evaluated
     * while the container shuts down. The first evaluation at once, so the gauge does not read DOWN for a whole
     * interval after start-up; an evaluation that throws counts as DOWN and the ticks go on.
     */
    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER + 2000) StartupEvent event) {
        ticks = Multi.createFrom().ticks().startingAfter(Duration.ofMillis(1)).every(config.refreshInterval()).onOverflow().drop()
                .onItem().transformToUniAndConcatenate(tick -> Uni.createFrom().deferred(health::getReadinessAsync)
                        .map(readiness -> readiness.isDown() ? 0 : 1).onFailure().recoverWithItem(0))
                .subscribe().with(ready::set);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (ticks != null) {
            ticks.cancel();
        }
    }
}
