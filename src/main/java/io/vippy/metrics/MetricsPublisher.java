package io.vippy.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vippy.core.Dataplane;
import io.vippy.core.KernelExecutor;
import io.vippy.core.LoadBalancerRegistry;
import io.vippy.core.PeerStatus;
import io.vippy.core.RealServer;
import io.vippy.core.RouteAnnouncer;
import io.vippy.core.ServiceCounters;
import io.vippy.core.ServiceKey;
import io.vippy.core.model.Addresses;
import io.vippy.core.model.Backend;
import io.vippy.core.model.BackendHealth;
import io.vippy.core.model.LoadBalancer;
import io.vippy.core.model.LoadBalancerStatus;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Publishes what the kernel, the registry and the BGP speaker know as Prometheus metrics: per load balancer and
 * backend traffic (IPVS stats or nftables counters), backend health, load balancers by status, and per peer
 * session state and prefixes sent. Every refresh runs on the {@link KernelExecutor} (the dataplane is only ever
 * called there); a scrape reads the last refresh and never waits for the kernel. Labels are load balancer uuids,
 * backend {@code ip:port} and peers: bounded by configuration, never per connection.
 */
@ApplicationScoped
public class MetricsPublisher {
    private static final Logger LOG = Logger.getLogger(MetricsPublisher.class);
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(5);

    private final Dataplane dataplane;
    private final KernelExecutor kernel;
    private final LoadBalancerRegistry registry;
    private final RouteAnnouncer announcer;
    private final MetricsConfig config;
    private final DynamicMeters meters;
    private Cancellable ticks;
    /** A refresh is queued on the kernel thread or running: ticks meanwhile are skipped, never queued up. */
    private final AtomicBoolean refreshPending = new AtomicBoolean();
    private volatile boolean stopped;
    /** The kernel's counters take at most a twentieth of the kernel thread, however many services there are. */
    private final ReadPacing trafficReads = new ReadPacing(20);

    MetricsPublisher(Dataplane dataplane, KernelExecutor kernel, LoadBalancerRegistry registry,
            RouteAnnouncer announcer, MetricsConfig config, MeterRegistry meterRegistry) {
        this.dataplane = dataplane;
        this.kernel = kernel;
        this.registry = registry;
        this.announcer = announcer;
        this.config = config;
        this.meters = new DynamicMeters(meterRegistry);
    }

    /**
     * After every other start-up observer: the first refresh would otherwise be the first to build the dataplane,
     * and a dataplane refusing its configuration would show up as a metrics warning before the one-line error.
     */
    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER + 2000) StartupEvent event) {
        ticks = Multi.createFrom().ticks().every(config.refreshInterval()).onOverflow().drop()
                .subscribe().with(tick -> queueRefresh());
    }

    /**
     * Stops refreshing before the dataplane is closed (beans are destroyed after this event): a kernel call on a
     * closed libnftables context would crash the process. The kernel thread runs tasks in order, so once a no-op
     * queued now has run, no refresh is running, and later ones see {@code stopped}.
     */
    void onStop(@Observes ShutdownEvent event) {
        stopped = true;
        if (ticks != null) {
            ticks.cancel();
        }
        CompletableFuture<Void> drained = new CompletableFuture<>();
        try {
            kernel.execute(() -> drained.complete(null));
            drained.get(SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warnf("metrics: the kernel thread did not finish within %s: %s", SHUTDOWN_WAIT, e.toString());
        }
        meters.removeAll();
    }

    /**
     * One refresh at a time on the kernel thread: on a loaded machine a refresh can outlast the interval, and
     * queued refreshes would then pile up ahead of the reconciler's kernel calls, delaying every change.
     */
    private void queueRefresh() {
        if (refreshPending.compareAndSet(false, true)) {
            kernel.execute(() -> {
                try {
                    refresh();
                } finally {
                    refreshPending.set(false);
                }
            });
        }
    }

    /** On the kernel thread. */
    private void refresh() {
        if (stopped) {
            return;
        }
        try {
            List<LoadBalancer> loadBalancers = registry.list();
            // Status and sessions first: a failing kernel read must not hide what is failing.
            publishHealth(loadBalancers);
            publishPeers(announcer.peers());
            long started = System.nanoTime();
            if (trafficReads.due(started)) {
                publishTraffic(loadBalancers, dataplane.counters());
                trafficReads.took(started, System.nanoTime());
                meters.sweep(); // only after a full set: it would remove the traffic meters a skipped read left
            }
        } catch (RuntimeException e) {
            LOG.warnf("metrics: refresh failed, keeping the last values: %s", e.toString());
        }
    }

    private void publishTraffic(List<LoadBalancer> loadBalancers, List<ServiceCounters> counters) {
        Map<ServiceKey, LoadBalancer> byKey = new HashMap<>();
        loadBalancers.stream().filter(lb -> lb.address() != null)
                .forEach(lb -> byKey.put(new ServiceKey(lb.address(), lb.protocol(), lb.port()), lb));
        for (ServiceCounters service : counters) {
            LoadBalancer lb = byKey.get(service.key());
            if (lb == null) {
                continue;
            }
            Tags lbTags = Tags.of("loadbalancer", lb.uuid().toString());
            publishTraffic("vippy.loadbalancer", lbTags, service.total());
            for (Map.Entry<RealServer, ServiceCounters.Traffic> real : service.perReal().entrySet()) {
                String backend = Addresses.endpoint(real.getKey().address(), real.getKey().port());
                publishTraffic("vippy.backend", lbTags.and("backend", backend), real.getValue());
            }
        }
    }

    /**
     * Connections always; packets and bytes once the dataplane has counted any (nftables counts only
     * connections, and a series stuck at 0 would claim there was no traffic).
     */
    private void publishTraffic(String prefix, Tags tags, ServiceCounters.Traffic traffic) {
        meters.counter(prefix + ".connections", "connections the kernel scheduled", BaseUnits.CONNECTIONS, tags,
                traffic.connections());
        if (traffic.packets() > 0) {
            meters.counter(prefix + ".packets", "packets the kernel forwarded", "packets", tags, traffic.packets());
        }
        if (traffic.bytes() > 0) {
            meters.counter(prefix + ".traffic", "bytes the kernel forwarded", BaseUnits.BYTES, tags, traffic.bytes());
        }
    }

    private void publishHealth(List<LoadBalancer> loadBalancers) {
        Map<LoadBalancerStatus, Integer> byStatus = new EnumMap<>(LoadBalancerStatus.class);
        for (LoadBalancerStatus status : LoadBalancerStatus.values()) {
            byStatus.put(status, 0);
        }
        for (LoadBalancer lb : loadBalancers) {
            byStatus.merge(lb.status(), 1, Integer::sum);
            for (Backend backend : lb.backends()) {
                Tags tags = Tags.of("loadbalancer", lb.uuid().toString(), "backend", backend.endpoint());
                for (BackendHealth health : BackendHealth.values()) {
                    meters.gauge("vippy.backend.health", "1 for the backend's current health, 0 for the others",
                            tags.and("health", health.wireName()), backend.health() == health ? 1 : 0);
                }
            }
        }
        byStatus.forEach((status, count) -> meters.gauge("vippy.loadbalancers", "load balancers by status",
                Tags.of("status", status.name()), count));
    }

    private void publishPeers(List<PeerStatus> peers) {
        for (PeerStatus peer : peers) {
            Tags tags = Tags.of("peer", peer.peer());
            meters.gauge("vippy.bgp.session.established", "1 while the BGP session is established", tags,
                    peer.establishedSince() != null ? 1 : 0);
            meters.gauge("vippy.bgp.prefixes.sent", "prefixes advertised to the peer", tags, peer.prefixesSent());
        }
    }
}
