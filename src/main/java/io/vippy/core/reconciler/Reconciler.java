package io.vippy.core.reconciler;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vippy.core.AddressBinder;
import io.vippy.core.AddressProvider;
import io.vippy.core.Dataplane;
import io.vippy.core.FencedWriteException;
import io.vippy.core.KernelExecutor;
import io.vippy.core.Leadership;
import io.vippy.core.LoadBalancerRegistry;
import io.vippy.core.RealServer;
import io.vippy.core.Route;
import io.vippy.core.RouteAnnouncer;
import io.vippy.core.ServiceKey;
import io.vippy.core.VippyConfig;
import io.vippy.core.VirtualService;
import io.vippy.core.model.Backend;
import io.vippy.core.model.BackendHealth;
import io.vippy.core.model.LoadBalancer;
import io.vippy.core.model.LoadBalancerStatus;
import io.vippy.core.model.PermanentFailure;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Drives each load balancer from its recorded state to the host: allocate address, bind address, program
 * service (unhealthy backends at weight 0), announce route (or withdraw it while no backend is healthy), mark
 * it ACTIVE or DEGRADED; and on delete, drain route (graceful shutdown, then a delay), withdraw route,
 * unprogram service, unbind address, release address, forget. Every step is idempotent, so a pass can always
 * be run again: after a change, after a transient failure (with backoff), and for everything stored at start-up. Passes for one load balancer
 * never overlap; a change during a pass runs one more pass afterwards.
 *
 * <p>In a cluster every node brings every load balancer up on its own host, while reserving and releasing addresses
 * (and forgetting a deleted load balancer) is the leader's: a node that does not lead leaves a load balancer without
 * an address PENDING until the leader's address arrives through the store, and after its own teardown leaves a
 * deleted one to the leader. Gaining the lead re-runs every pass, so nothing waits on a leader that died.
 */
@ApplicationScoped
public class Reconciler {
    private static final Logger LOG = Logger.getLogger(Reconciler.class);

    private final LoadBalancerRegistry registry;
    private final AddressProvider addresses;
    private final AddressBinder binder;
    private final Dataplane dataplane;
    private final KernelExecutor kernel;
    private final RouteTable routes;
    private final DrainWait drainWait = new DrainWait(DrainWait.POLL, DrainWait.QUIET);
    private final VippyConfig config;
    private final MeterRegistry meters;
    private final Leadership leadership;
    /** What this node's host serves, per load balancer: what a teardown undoes, even after the record is gone. */
    private final Map<UUID, LoadBalancer> programmed = new ConcurrentHashMap<>();
    private final Map<UUID, PassSlot> slots = new ConcurrentHashMap<>();
    private final Set<UUID> beforeStart = ConcurrentHashMap.newKeySet();
    /** The last failure of each load balancer whose last pass failed. */
    private final Map<UUID, String> failing = new ConcurrentHashMap<>();
    private final ReportedHealth reportedHealth = new ReportedHealth();
    private volatile boolean started;
    private volatile boolean restored;
    private volatile boolean synced;
    private volatile String startFailure;
    private volatile boolean stopped;

    Reconciler(LoadBalancerRegistry registry, AddressProvider addresses, AddressBinder binder, Dataplane dataplane,
            KernelExecutor kernel, RouteAnnouncer announcer, VippyConfig config, MeterRegistry meters,
            Leadership leadership) {
        this.registry = registry;
        this.addresses = addresses;
        this.binder = binder;
        this.dataplane = dataplane;
        this.kernel = kernel;
        this.routes = new RouteTable(announcer);
        this.config = config;
        this.meters = meters;
        this.leadership = leadership;
    }

    /** Per load balancer: whether a pass runs, whether another is owed, and how many failed in a row. */
    private static final class PassSlot {
        boolean running;
        boolean again;
        int failures;
    }

    /**
     * Start-up: let the provider adopt what the stored load balancers hold, make the kernel match the stored
     * services (leaving matching ones untouched), re-announce every stored address that is not being deleted
     * (peers kept those routes through the restart, and status is not stored), then reconcile everything.
     * A failed start-up sync never wedges Vippy: passes run anyway (each load balancer shows its own failure)
     * and the sync is retried with backoff until it succeeds; until then {@link #convergence()} names it.
     */
    public Uni<Void> start(Collection<LoadBalancer> stored) {
        registry.onStoreChange(this::trigger);
        leadership.onChange(this::leadershipChanged);
        return startAttempt(stored, 1);
    }

    private Uni<Void> startAttempt(Collection<LoadBalancer> stored, int attempt) {
        // A node that does not lead leaves adoption to the leader (see leadershipChanged).
        Uni<Void> restore = restored || !leadership.isLeader() ? Uni.createFrom().voidItem()
                : addresses.restore(stored).invoke(() -> restored = true);
        return restore
                .chain(() -> onKernelItem(this::syncKernel))
                .invoke(advertised -> {
                    routes.restore(advertised);
                    startFailure = null;
                    synced = true;
                    openGate(stored);
                })
                .replaceWithVoid()
                .onFailure(failure -> !stopped).recoverWithUni(failure -> {
                    String reason = reason(failure);
                    Duration delay = Backoff.delay(attempt);
                    if (!reason.equals(startFailure)) {
                        LOG.warnf("start-up sync failed, retrying with backoff: %s", reason.lines().findFirst().orElse(""));
                    }
                    startFailure = reason;
                    if (!started) {
                        openGate(stored);
                    }
                    return Uni.createFrom().voidItem().onItem().delayIt().by(delay)
                            .chain(() -> stopped ? Uni.createFrom().voidItem()
                                    : onWorker(registry::list).chain(current -> startAttempt(current, attempt + 1)));
                });
    }

    /**
     * Gaining the lead: the provider adopts what the stored load balancers hold (and resumes its background work),
     * then every load balancer gets a pass, so allocations and releases left by the last leader are done. Losing it:
     * the provider stands by.
     */
    private void leadershipChanged(boolean leading) {
        if (!leading) {
            addresses.standBy();
            return;
        }
        addresses.restore(registry.list()).subscribe().with(
                ok -> registry.list().forEach(lb -> trigger(lb.uuid())),
                failure -> {
                    LOG.errorf("leading now, but the address provider could not adopt the stored addresses: %s; "
                            + "retrying", failure.getMessage());
                    Uni.createFrom().voidItem().onItem().delayIt().by(Backoff.delay(1))
                            .subscribe().with(x -> leadershipChanged(leadership.isLeader()));
                });
    }

    /**
     * Takes this node out of the traffic: every route re-advertised with graceful shutdown, and (when a peer is up to
     * act on it) withdrawn once the routers have stopped sending new connections, at most the drain delay later. The
     * kernel keeps serving, so established flows that still arrive finish, and {@link #undrainNode} puts the node
     * back at once.
     */
    public Uni<Void> drainNode() {
        boolean peersActOnIt = routes.drainAll();
        if (!peersActOnIt || config.drainDelay().isZero()) {
            routes.withdrawAll();
            return Uni.createFrom().voidItem();
        }
        return drainWait.untilQuiet(() -> onKernelItem(this::connectionsServed), config.drainDelay())
                .invoke(outcome -> {
                    if (outcome.quiet()) {
                        LOG.infof("drain: no new connection for %d ms, %d ms after the graceful-shutdown announcement;"
                                + " withdrawing", DrainWait.QUIET.toMillis(), outcome.waited().toMillis());
                    } else {
                        LOG.warnf("drain: new connections still arrived after %d ms (vippy.drain-delay); withdrawing"
                                + " anyway", outcome.waited().toMillis());
                    }
                })
                .invoke(routes::withdrawAll)
                .replaceWithVoid();
    }

    /** New connections this host's kernel has served, in all: it stops growing when the routers stop sending. */
    private long connectionsServed() {
        return dataplane.counters().stream().mapToLong(counters -> counters.total().connections()).sum();
    }

    public void undrainNode() {
        routes.undrain();
    }

    public boolean drained() {
        return routes.drained();
    }

    /** How many load balancers this node's host serves now. */
    public int programmedCount() {
        return programmed.size();
    }

    /**
     * On the kernel thread, with the list read there, so that no pass programs a service between the read and
     * the sync (a sync from an older list would remove it). A scheduler the dataplane cannot do is left out: its
     * load balancer's own pass says so. Returns the routes to re-announce.
     */
    private List<Route> syncKernel() {
        List<LoadBalancer> live = registry.list().stream()
                .filter(lb -> lb.address() != null && lb.status() != LoadBalancerStatus.DELETING)
                .filter(lb -> dataplane.supports(lb.scheduler()))
                .toList();
        dataplane.sync(live.stream().map(Reconciler::virtualService).toList());
        live.forEach(lb -> programmed.put(lb.uuid(), lb));
        return live.stream().map(lb -> Route.of(lb.address())).toList();
    }

    /** Lets passes run, and runs one for everything stored or asked for before. */
    private void openGate(Collection<LoadBalancer> stored) {
        started = true;
        stored.forEach(lb -> trigger(lb.uuid()));
        beforeStart.forEach(this::trigger);
        beforeStart.clear();
    }

    /** What keeps the host from matching the stored state right now, for readiness. */
    public Convergence convergence() {
        return new Convergence(synced, Optional.ofNullable(startFailure), Map.copyOf(failing));
    }

    /** Stops starting passes; what runs finishes. Kernel state stays as it is. */
    public void stop() {
        stopped = true;
    }

    /** Asks for a pass over this load balancer; cheap, and coalesced with any pass already running. */
    public void trigger(UUID uuid) {
        if (stopped) {
            return;
        }
        if (!started) {
            beforeStart.add(uuid);
            return;
        }
        PassSlot slot = slots.computeIfAbsent(uuid, u -> new PassSlot());
        synchronized (slot) {
            if (slot.running) {
                slot.again = true;
                return;
            }
            slot.running = true;
        }
        runPass(uuid, slot);
    }

    /**
     * Health checking's verdict on a backend. It reaches the registry (and so the API) only after a pass has
     * programmed the kernel with it: what the API says, the kernel does.
     */
    public void reportHealth(LoadBalancer lb, UUID backend, BackendHealth health) {
        if (reportedHealth.report(lb, backend, health)) {
            trigger(lb.uuid());
        }
    }

    private void runPass(UUID uuid, PassSlot slot) {
        Uni.createFrom().deferred(() -> pass(uuid))
                .subscribe().with(ok -> passEnded(uuid, slot, null), failure -> passEnded(uuid, slot, failure));
    }

    private void passEnded(UUID uuid, PassSlot slot, Throwable failure) {
        boolean again;
        synchronized (slot) {
            again = slot.again && !stopped;
            slot.again = false;
            slot.running = again;
            slot.failures = failure == null ? 0 : slot.failures + 1;
        }
        if (failure == null) {
            failing.remove(uuid);
        }
        if (again) {
            runPass(uuid, slot);
        } else if (failure != null && !(failure instanceof PermanentFailure)) {
            Duration delay = Backoff.delay(slot.failures);
            LOG.debugf("load balancer %s: retry %d in %d ms", uuid, slot.failures, delay.toMillis());
            Uni.createFrom().voidItem().onItem().delayIt().by(delay).subscribe().with(x -> trigger(uuid));
        } else if (registry.get(uuid).isEmpty()) {
            slots.remove(uuid);
        }
    }

    private Uni<Void> pass(UUID uuid) {
        return onWorker(() -> registry.get(uuid)).chain(found -> {
            if (found.isEmpty()) {
                reportedHealth.forget(uuid);
                // Deleted while this node still serves it (its teardown was missed): undo what is here.
                return Optional.ofNullable(programmed.get(uuid)).map(this::removeFromHost)
                        .orElse(Uni.createFrom().voidItem());
            }
            LoadBalancer lb = found.get();
            return (lb.status() == LoadBalancerStatus.DELETING ? tearDown(lb) : bringUp(lb, reportedHealth.snapshot(uuid)))
                    .onFailure().call(failure -> recordFailure(uuid, failure));
        });
    }

    /** Brings the load balancer up with the pending health verdicts applied, recording them last. */
    private Uni<Void> bringUp(LoadBalancer recorded, Map<UUID, BackendHealth> verdicts) {
        return allocateAddress(recorded)
                .map(lb -> ReportedHealth.apply(lb, verdicts))
                .call(this::bindAddress)
                .call(this::programService)
                .call(this::announceOrWithdrawRoute)
                .chain(lb -> markUp(lb, verdicts));
    }

    /** This host's part of a teardown on every node; then the leader releases the address and forgets it. */
    private Uni<Void> tearDown(LoadBalancer lb) {
        Uni<Void> onHost = lb.address() == null ? Uni.createFrom().voidItem() : removeFromHost(lb);
        return onHost.chain(() -> {
            if (!leadership.isLeader()) {
                return Uni.createFrom().failure(new AwaitingLeader("removed from this node; the leader ("
                        + leaderName() + ") releases its address"));
            }
            return lb.address() == null ? forget(lb) : releaseAddress(lb, lb.address()).chain(() -> forget(lb));
        });
    }

    /** Drain route, withdraw route, unprogram service, unbind address: what this host does for it, undone. */
    private Uni<Void> removeFromHost(LoadBalancer lb) {
        InetAddress address = lb.address();
        return drainRoute(address)
                .chain(() -> withdrawRoute(address))
                .chain(() -> unprogramService(lb))
                .chain(() -> unbindAddress(address))
                .invoke(() -> programmed.remove(lb.uuid()));
    }

    /** The leader reserves; a node that does not lead waits for the address to arrive through the store. */
    private Uni<LoadBalancer> allocateAddress(LoadBalancer lb) {
        if (lb.address() != null) {
            return Uni.createFrom().item(lb);
        }
        if (!leadership.isLeader()) {
            return Uni.createFrom().failure(new AwaitingLeader("waiting for the leader (" + leaderName()
                    + ") to reserve an address"));
        }
        return timed("allocateAddress", addresses.allocate(lb.uuid(), lb.ipFamily()))
                .chain(address -> onWorker(() -> registry.updateAsLeader(lb.uuid(),
                        current -> current.address() != null ? current : current.withAddress(address))))
                .onFailure(FencedWriteException.class).transform(lost -> new AwaitingLeader(lost.getMessage()));
    }

    private String leaderName() {
        return leadership.leader().orElse("none elected yet");
    }

    private Uni<Void> bindAddress(LoadBalancer lb) {
        return timed("bindAddress", onKernel(() -> binder.bind(lb.address())));
    }

    private Uni<Void> programService(LoadBalancer lb) {
        return timed("programService", onKernel(() -> dataplane.program(virtualService(lb))))
                .invoke(() -> programmed.put(lb.uuid(), lb));
    }

    private Uni<Void> announceRoute(LoadBalancer lb) {
        return timed("announceRoute", Uni.createFrom().item(() -> {
            routes.advertise(Route.of(lb.address()));
            return null;
        }));
    }

    /** Announces the route, or withdraws it while no backend is healthy (when so configured). */
    private Uni<Void> announceOrWithdrawRoute(LoadBalancer lb) {
        return withdrawsWhenDegraded(lb) ? withdrawRoute(lb.address()) : announceRoute(lb);
    }

    /**
     * Records the health verdicts this pass programmed, and ACTIVE, or DEGRADED when it has backends and none is
     * usable (as programmed in this pass).
     */
    private Uni<Void> markUp(LoadBalancer lb, Map<UUID, BackendHealth> verdicts) {
        String degraded = withdrawsWhenDegraded(lb) ? "no backend is healthy; route withdrawn" : "no backend is healthy";
        return onWorker(() -> registry.update(lb.uuid(), current -> {
            if (current.status() == LoadBalancerStatus.DELETING) {
                return current;
            }
            LoadBalancer programmed = ReportedHealth.apply(current, verdicts);
            return isDegraded(lb) ? programmed.withStatus(LoadBalancerStatus.DEGRADED, degraded)
                    : programmed.withStatus(LoadBalancerStatus.ACTIVE, "");
        })).invoke(() -> reportedHealth.recorded(lb.uuid(), verdicts)).replaceWithVoid();
    }

    /** Tags the route with graceful shutdown and waits the drain delay, when a peer is there to act on it. */
    private Uni<Void> drainRoute(InetAddress address) {
        return Uni.createFrom().item(() -> routes.drain(address))
                .chain(draining -> draining && !config.drainDelay().isZero()
                        ? Uni.createFrom().voidItem().onItem().delayIt().by(config.drainDelay())
                        : Uni.createFrom().voidItem());
    }

    private Uni<Void> withdrawRoute(InetAddress address) {
        return timed("withdrawRoute", Uni.createFrom().item(() -> {
            routes.withdraw(address);
            return null;
        }));
    }

    private Uni<Void> unprogramService(LoadBalancer lb) {
        return timed("unprogramService", onKernel(() -> dataplane.unprogram(serviceKey(lb))));
    }

    private Uni<Void> unbindAddress(InetAddress address) {
        return timed("unbindAddress", onKernel(() -> binder.unbind(address)));
    }

    private Uni<Void> releaseAddress(LoadBalancer lb, InetAddress address) {
        return timed("releaseAddress", addresses.release(lb.uuid(), address));
    }

    private Uni<Void> forget(LoadBalancer lb) {
        return Reconciler.<Void>onWorker(() -> {
            reportedHealth.forget(lb.uuid());
            registry.remove(lb.uuid());
            return null;
        }).onFailure(FencedWriteException.class).transform(lost -> new AwaitingLeader(lost.getMessage()));
    }

    /** Shows the failure on the load balancer: FAILED when retrying cannot help, else the retry to come. */
    private Uni<Void> recordFailure(UUID uuid, Throwable failure) {
        String reason = reason(failure);
        boolean permanent = failure instanceof PermanentFailure;
        boolean waiting = failure instanceof AwaitingLeader;
        if (waiting) {
            failing.remove(uuid); // this host has done its part: the rest is the leader's
        } else {
            failing.put(uuid, reason);
        }
        if (waiting) {
            LOG.debugf("load balancer %s: %s", uuid, reason);
        } else {
            LOG.warnf("load balancer %s: %s%s", uuid, reason, permanent ? "" : " (will retry)");
        }
        return onWorker(() -> registry.get(uuid).map(lb -> registry.update(uuid, current -> {
            if (current.status() == LoadBalancerStatus.DELETING) {
                return current.withStatus(LoadBalancerStatus.DELETING, waiting ? reason : "teardown failed, retrying: " + reason);
            }
            if (waiting) {
                return current.withStatus(LoadBalancerStatus.PENDING, reason);
            }
            return permanent
                    ? current.withStatus(LoadBalancerStatus.FAILED, reason)
                    : current.withStatus(LoadBalancerStatus.PENDING, "retrying after: " + reason);
        }))).replaceWithVoid();
    }

    private static String reason(Throwable failure) {
        return failure.getMessage() == null ? failure.toString() : failure.getMessage();
    }

    /** Health checking found every backend down (unchecked ones count as usable). */
    static boolean isDegraded(LoadBalancer lb) {
        return !lb.backends().isEmpty() && lb.backends().stream().noneMatch(Reconciler::isUsable);
    }

    private boolean withdrawsWhenDegraded(LoadBalancer lb) {
        return config.withdrawWhenDegraded() && isDegraded(lb);
    }

    static boolean isUsable(Backend backend) {
        return backend.health() != BackendHealth.UNHEALTHY;
    }

    static ServiceKey serviceKey(LoadBalancer lb) {
        return new ServiceKey(lb.address(), lb.protocol(), lb.port());
    }

    /** The kernel state of a load balancer: an unhealthy backend gets weight 0, so it drains like a weight-0 one. */
    static VirtualService virtualService(LoadBalancer lb) {
        List<RealServer> reals = lb.backends().stream()
                .map(b -> new RealServer(b.ip(), b.port(), isUsable(b) ? b.weight() : 0))
                .toList();
        return new VirtualService(serviceKey(lb), lb.scheduler(), reals);
    }

    /** Times a step, from subscription to its outcome, into {@code vippy_reconcile_step_seconds{step,outcome}}. */
    private <T> Uni<T> timed(String step, Uni<T> work) {
        long[] started = new long[1];
        return work.onSubscription().invoke(() -> started[0] = System.nanoTime())
                .onItemOrFailure().invoke((item, failure) -> Timer.builder("vippy.reconcile.step")
                        .description("reconcile steps: kernel, address provider and BGP calls")
                        .tags("step", step, "outcome", failure == null ? "success" : "failure")
                        .register(meters)
                        .record(System.nanoTime() - started[0], TimeUnit.NANOSECONDS));
    }

    private Uni<Void> onKernel(Runnable work) {
        return onKernelItem(() -> {
            work.run();
            return null;
        });
    }

    private <T> Uni<T> onKernelItem(Supplier<T> work) {
        return Uni.createFrom().item(work).runSubscriptionOn(kernel);
    }

    private static <T> Uni<T> onWorker(Supplier<T> work) {
        return Uni.createFrom().item(work).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
