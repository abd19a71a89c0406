package io.vippy.core;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vippy.core.model.LoadBalancer;
import io.vippy.core.reconciler.Reconciler;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.interceptor.Interceptor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import sun.misc.Signal;

/**
 * Start-up reconciles everything stored; SIGTERM withdraws the routes and closes the BGP sessions but leaves
 * the kernel's load balancing in place, so a restart does not cut established connections.
 */
@ApplicationScoped
public class VippyLifecycle {
    private static final Logger LOG = Logger.getLogger(VippyLifecycle.class);
    private static final int LAST = Interceptor.Priority.PLATFORM_AFTER + 1000;
    private static final Duration ANNOUNCER_SHUTDOWN = Duration.ofSeconds(5);
    private static final Duration DRAIN_MARGIN = Duration.ofSeconds(2);

    /**
     * Runs after every other start-up observer, so that a subsystem refusing its configuration stops start-up
     * before any kernel state is touched.
     */
    void onStart(@Observes @Priority(LAST) StartupEvent event, LoadBalancerRegistry registry, Reconciler reconciler,
            AddressProvider addresses, Dataplane dataplane, Instance<WarmUp> warmUps) {
        exitZeroOnSigterm();
        warmUp(warmUps);
        List<LoadBalancer> stored = registry.list();
        LOG.infof("Vippy starting: %d load balancer(s) stored, address provider %s, dataplane %s",
                stored.size(), addresses.name(), dataplane.name());
        reconciler.start(stored).subscribe().with(
                ok -> LOG.infof("reconciling %d stored load balancer(s)", stored.size()),
                failure -> LOG.errorf("start-up reconcile failed: %s", failure.getMessage()));
    }

    /** Runs every warm-up; one that fails costs the first create its time, nothing more, so it is only logged. */
    private static void warmUp(Instance<WarmUp> warmUps) {
        long started = System.nanoTime();
        for (WarmUp warmUp : warmUps) {
            try {
                warmUp.warmUp();
            } catch (RuntimeException e) {
                LOG.warnf("a warm-up failed: %s", e.toString());
            }
        }
        LOG.infof("warmed up the first create's path (API, store, dataplane, BGP) in %d ms",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    /**
     * In a cluster, other nodes carry the traffic: tag every route with graceful shutdown and wait the drain delay, so
     * the routers move flows away before the withdrawal, not after it.
     */
    private static void drainFirst(Reconciler reconciler, VippyConfig config) {
        try {
            reconciler.drainNode().subscribeAsCompletionStage()
                    .get(config.drainDelay().plus(DRAIN_MARGIN).toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("drained: routers were told to move traffic away before the withdrawal");
        } catch (Exception e) {
            LOG.warnf("drain before stopping did not finish (%s); withdrawing now", e.toString());
        }
    }

    /**
     * The JVM ends with status 143 on SIGTERM; a service manager's stop is a normal end for Vippy, so it
     * shuts down in order (see {@link #onStop}) and exits 0. Only in a real run: tests own their JVM's signals.
     */
    private static void exitZeroOnSigterm() {
        if (LaunchMode.current() == LaunchMode.NORMAL) {
            Signal.handle(new Signal("TERM"), signal -> Quarkus.asyncExit(0));
        }
    }

    void onStop(@Observes ShutdownEvent event, Reconciler reconciler, RouteAnnouncer announcer, VippyConfig config) {
        if (config.clustered()) {
            drainFirst(reconciler, config);
        }
        reconciler.stop();
        announcer.shutdown(ANNOUNCER_SHUTDOWN);
        LOG.info("Vippy stopped: routes withdrawn, kernel load balancing left in place");
    }
}
