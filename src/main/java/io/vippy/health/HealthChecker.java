package io.vippy.health;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vippy.core.LoadBalancerService;
import io.vippy.core.events.LoadBalancerEvent;
import io.vippy.core.model.Backend;
import io.vippy.core.model.BackendHealth;
import io.vippy.core.model.HealthCheckSpec;
import io.vippy.core.model.InvalidConfigException;
import io.vippy.core.model.LoadBalancer;
import io.vippy.core.model.LoadBalancerStatus;
import io.vippy.netlink.NetworkNamespace;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/**
 * Checks every backend of every load balancer as its health-check spec says, and records each change of health
 * through the application service (which re-programs the dataplane). Follows the registry's watch stream: a
 * load balancer or backend that appears gets a check, one that goes (or starts being deleted) loses it, a
 * changed spec restarts it. Checks run on the {@link BackendProber}'s event loops; the changes are written to
 * the store on one thread of their own, in the order they happened.
 */
@ApplicationScoped
public class HealthChecker implements BackendCheck.Listener {
    private static final Logger LOG = Logger.getLogger(HealthChecker.class);

    private final LoadBalancerService service;
    private final HealthConfig config;
    private final NetworkNamespace namespace;
    /** Checks by load balancer, then backend; guarded by {@code this}. */
    private final Map<UUID, Map<UUID, BackendCheck>> checks = new HashMap<>();
    /** Load balancers seen in the snapshot being received, to drop the checks of ones deleted meanwhile. */
    private final Set<UUID> inSnapshot = new HashSet<>();
    private final MeterRegistry meters;
    private Gauge checksGauge;
    private ExecutorService writer;
    private BackendProber prober;
    private Cancellable watch;
    private volatile boolean stopped;

    HealthChecker(LoadBalancerService service, HealthConfig config, NetworkNamespace namespace, MeterRegistry meters) {
        this.service = service;
        this.config = config;
        this.namespace = namespace;
        this.meters = meters;
    }

    void onStart(@Observes StartupEvent event) {
        if (config.threads() < 1) {
            throw new InvalidConfigException("vippy.health.threads", "must be at least 1");
        }
        if (config.enabled()) {
            prober = new BackendProber(namespace, config.threads());
        } else {
            LOG.info("health checks are off (vippy.health.enabled=false): every backend counts as usable");
        }
        checksGauge = Gauge.builder("vippy.health.checks", this, HealthChecker::checkCount)
                .description("backends being health-checked").register(meters);
        writer = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "vippy-health-writer");
            thread.setDaemon(true);
            return thread;
        });
        watch();
    }

    void onStop(@Observes ShutdownEvent event) {
        stopped = true;
        if (checksGauge != null) {
            meters.remove(checksGauge);
        }
        if (watch != null) {
            watch.cancel();
            writer.shutdown();
        }
        if (prober != null) {
            prober.close();
        }
    }

    /** Watches the registry; a watch that ends (it fell behind) starts again from a fresh snapshot. */
    private void watch() {
        if (stopped) {
            return;
        }
        watch = service.watch(java.util.OptionalLong.empty()).subscribe().with(this::onEvent, failure -> {
            LOG.warnf("health checker: watch failed, watching again: %s", failure.toString());
            watch();
        }, this::watch);
    }

    /** Runs on the thread that made the change, under the registry's lock: only cheap, non-blocking work. */
    private synchronized void onEvent(LoadBalancerEvent event) {
        LoadBalancer lb = event.loadBalancer();
        switch (event.type()) {
            case SNAPSHOT -> {
                inSnapshot.add(lb.uuid());
                follow(lb);
            }
            case SNAPSHOT_END -> {
                Set.copyOf(checks.keySet()).stream().filter(uuid -> !inSnapshot.contains(uuid)).forEach(this::stopAll);
                inSnapshot.clear();
            }
            case UPSERTED -> follow(lb);
            case DELETED -> stopAll(lb.uuid());
            case RESYNC -> LOG.warn("health checker fell behind the registry; watching again");
        }
    }

    private void follow(LoadBalancer lb) {
        HealthCheckSpec spec = lb.healthCheck();
        if (lb.status() == LoadBalancerStatus.DELETING) {
            stopAll(lb.uuid());
            return;
        }
        if (prober == null || spec.type() == HealthCheckSpec.Type.NONE) {
            stopAll(lb.uuid());
            forgetHealth(lb);
            return;
        }
        Map<UUID, BackendCheck> running = checks.computeIfAbsent(lb.uuid(), uuid -> new HashMap<>());
        Map<UUID, Backend> wanted = new HashMap<>();
        lb.backends().forEach(b -> wanted.put(b.uuid(), b));
        running.entrySet().removeIf(entry -> {
            Backend backend = wanted.get(entry.getKey());
            boolean keep = backend != null && entry.getValue().checks(backend, spec);
            if (!keep) {
                entry.getValue().stop();
            }
            return !keep;
        });
        wanted.values().stream().filter(b -> !running.containsKey(b.uuid())).forEach(backend -> {
            BackendCheck check = new BackendCheck(lb.uuid(), backend, spec, prober, this);
            running.put(backend.uuid(), check);
            check.start();
        });
        if (running.isEmpty()) {
            checks.remove(lb.uuid());
        }
    }

    /** Unchecked backends are unknown: a verdict from before checks were turned off must not keep one drained. */
    private void forgetHealth(LoadBalancer lb) {
        lb.backends().stream().filter(b -> b.health() != BackendHealth.UNKNOWN).forEach(backend -> healthChanged(
                lb.uuid(), backend, BackendHealth.UNKNOWN, ProbeResult.success("not checked")));
    }

    private void stopAll(UUID loadBalancer) {
        Map<UUID, BackendCheck> running = checks.remove(loadBalancer);
        if (running != null) {
            running.values().forEach(BackendCheck::stop);
        }
    }

    /** How many backends are being checked now. */
    synchronized int checkCount() {
        return checks.values().stream().mapToInt(Map::size).sum();
    }

    @Override
    public void healthChanged(UUID loadBalancer, Backend backend, BackendHealth health, ProbeResult cause) {
        LOG.infof("load balancer %s: backend %s is %s (%s)", loadBalancer, backend.endpoint(), health.wireName(),
                cause.detail());
        writer.execute(() -> {
            try {
                service.recordHealth(loadBalancer, backend.uuid(), health);
            } catch (RuntimeException e) {
                LOG.warnf("load balancer %s: could not record the health of %s: %s", loadBalancer, backend.endpoint(),
                        e.getMessage());
            }
        });
    }
}
