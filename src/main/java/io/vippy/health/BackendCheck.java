package io.vippy.health;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.vippy.core.model.Backend;
import io.vippy.core.model.BackendHealth;
import io.vippy.core.model.HealthCheckSpec;
import java.net.InetSocketAddress;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The periodic check of one backend. Everything runs on one event loop, so the state needs no lock: a probe,
 * then the next one an interval after the previous started. The first probe comes after a random part of the
 * interval, so that thousands of backends added at once do not all connect in the same millisecond.
 */
final class BackendCheck {

    /** Told when a backend's health changes; called on the check's event loop, so it must not block. */
    interface Listener {
        void healthChanged(UUID loadBalancer, Backend backend, BackendHealth health, ProbeResult cause);
    }

    private final UUID loadBalancer;
    private final Backend backend;
    private final HealthCheckSpec spec;
    private final InetSocketAddress target;
    private final BackendProber prober;
    private final EventLoop loop;
    private final Listener listener;
    private final RiseFall state;
    private ScheduledFuture<?> next;
    private boolean stopped;

    BackendCheck(UUID loadBalancer, Backend backend, HealthCheckSpec spec, BackendProber prober, Listener listener) {
        this.loadBalancer = loadBalancer;
        this.backend = backend;
        this.spec = spec;
        this.target = new InetSocketAddress(backend.ip(), backend.port());
        this.prober = prober;
        this.loop = prober.nextLoop();
        this.listener = listener;
        this.state = new RiseFall(backend.health(), spec.rise(), spec.fall());
    }

    /** Whether this check already checks {@code other} the way {@code otherSpec} says. */
    boolean checks(Backend other, HealthCheckSpec otherSpec) {
        return backend.ip().equals(other.ip()) && backend.port() == other.port() && spec.equals(otherSpec);
    }

    void start() {
        loop.execute(() -> scheduleIn(ThreadLocalRandom.current().nextLong(spec.intervalMs())));
    }

    void stop() {
        loop.execute(() -> {
            stopped = true;
            if (next != null) {
                next.cancel(false);
            }
        });
    }

    private void scheduleIn(long millis) {
        if (!stopped) {
            next = loop.schedule(this::probeOnce, millis, TimeUnit.MILLISECONDS);
        }
    }

    private void probeOnce() {
        if (stopped) {
            return;
        }
        long started = System.nanoTime();
        prober.probe(loop, target, spec).addListener(done -> {
            ProbeResult result = (ProbeResult) done.getNow();
            if (stopped) {
                return;
            }
            BackendHealth before = state.health();
            BackendHealth after = state.record(result.ok());
            if (after != before) {
                listener.healthChanged(loadBalancer, backend, after, result);
            }
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            scheduleIn(Math.max(0, spec.intervalMs() - elapsedMs));
        });
    }
}
