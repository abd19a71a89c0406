package io.vippy.core;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vippy.core.events.LoadBalancerEvent;
import io.vippy.core.events.LoadBalancerEvents;
import io.vippy.core.model.Backend;
import io.vippy.core.model.BackendHealth;
import io.vippy.core.model.ConflictException;
import io.vippy.core.model.LoadBalancer;
import io.vippy.core.model.LoadBalancerStatus;
import io.vippy.core.model.NotFoundException;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The state of every load balancer as this node knows it: the store's records, in creation order, with what this
 * node works out by itself (status, message, backend health) on top. The store's change stream is the one way a
 * durable change gets in, whichever node wrote it, so every node applies the same changes in the same (revision)
 * order; a writer waits until its own write has come back that way. Writes compare revisions: when another writer
 * got there first, the change is worked out again on the newer record. No lock is held across a store call, so
 * readers never wait for a disk or the network. Blocking (the store): never call a mutator on an event loop.
 */
@ApplicationScoped
public class LoadBalancerRegistry implements StoreListener {
    /** How far a watcher may fall behind the live events before it is told to resync; also the history kept. */
    static final int WATCH_MAX_LAG = 4096;
    /** How often a change is worked out again after losing a race, before the caller hears 409. */
    static final int WRITE_ATTEMPTS = 20;
    /** How long a writer waits for its own write to come back through the store's change stream. */
    static final Duration APPLY_WAIT = Duration.ofSeconds(5);

    private record Entry(LoadBalancer loadBalancer, long revision) {
    }

    private final StateStore store;
    private final Object lock = new Object();
    private final Map<UUID, Entry> current = new LinkedHashMap<>();
    private final Map<UUID, CompletableFuture<Void>> removals = new ConcurrentHashMap<>();
    private final List<Consumer<UUID>> storeChangeListeners = new CopyOnWriteArrayList<>();
    private LoadBalancerEvents events;
    /** The store revision of the last change applied. */
    private long applied;

    LoadBalancerRegistry(StateStore store) {
        this.store = store;
    }

    /** Reads the store when the bean is first used, so nothing is served before the state is known; then follows it. */
    @PostConstruct
    void load() {
        StoreSnapshot snapshot = store.load();
        synchronized (lock) {
            snapshot.loadBalancers().forEach(s -> current.put(s.loadBalancer().uuid(), new Entry(s.loadBalancer(), s.revision())));
            applied = snapshot.revision();
            events = new LoadBalancerEvents(WATCH_MAX_LAG, applied);
        }
        store.watch(snapshot.revision(), this);
    }

    /** Tells {@code listener} the uuid of every load balancer a store change touched (any node's write). */
    public void onStoreChange(Consumer<UUID> listener) {
        storeChangeListeners.add(listener);
    }

    public Optional<LoadBalancer> get(UUID uuid) {
        synchronized (lock) {
            return Optional.ofNullable(current.get(uuid)).map(Entry::loadBalancer);
        }
    }

    public LoadBalancer require(UUID uuid) {
        return get(uuid).orElseThrow(() -> notFound(uuid));
    }

    public List<LoadBalancer> list() {
        synchronized (lock) {
            return current.values().stream().map(Entry::loadBalancer).toList();
        }
    }

    /** The store revision this node's view reflects. */
    public long revision() {
        synchronized (lock) {
            return applied;
        }
    }

    /**
     * Stores a new load balancer and returns it as this node knows it. When its uuid is stored already (a retried
     * request that claimed the same uuid got there first, on any node), nothing is written and the stored one answers.
     */
    public LoadBalancer create(LoadBalancer loadBalancer) {
        try {
            awaitApplied(store.put(loadBalancer, 0, false));
        } catch (StoreConflictException createdAlready) {
            awaitUntil(() -> current.containsKey(loadBalancer.uuid()));
        }
        return require(loadBalancer.uuid());
    }

    /**
     * Applies {@code change} and records the result; {@code change} may throw to refuse it, and returning the same
     * value records nothing. A change to the durable state is written to the store; one to what this node works out
     * (status, message, health) only here. Throws {@link NotFoundException} for an unknown uuid.
     */
    public LoadBalancer update(UUID uuid, UnaryOperator<LoadBalancer> change) {
        return update(uuid, change, false);
    }

    /** As {@link #update}, for the leader's work: refused once this node no longer leads. */
    public LoadBalancer updateAsLeader(UUID uuid, UnaryOperator<LoadBalancer> change) {
        return update(uuid, change, true);
    }

    private LoadBalancer update(UUID uuid, UnaryOperator<LoadBalancer> change, boolean fenced) {
        for (int attempt = 1; ; attempt++) {
            Entry before = entry(uuid);
            LoadBalancer after = change.apply(before.loadBalancer());
            if (after.equals(before.loadBalancer())) {
                return after;
            }
            if (after.durableState().equals(before.loadBalancer().durableState())) {
                if (replaceLocally(uuid, before, after)) {
                    return after;
                }
            } else {
                try {
                    long written = store.put(after, before.revision(), fenced);
                    awaitApplied(written);
                    return overlayLocalState(uuid, written, after);
                } catch (StoreConflictException lost) {
                    if (attempt >= WRITE_ATTEMPTS) {
                        throw new ConflictException("load balancer " + uuid + " kept changing on other nodes while this"
                                + " change was being made; try again.");
                    }
                    awaitNewer(uuid, before.revision());
                    pauseBeforeRetry(attempt);
                }
            }
        }
    }

    /** Losers of a race should not all come back at once: a short random pause, longer after each lost race. */
    private static void pauseBeforeRetry(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1 + 2L * attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Forgets the load balancer once its teardown is complete: the leader's last write for it. */
    public void remove(UUID uuid) {
        for (int attempt = 1; ; attempt++) {
            Entry last;
            synchronized (lock) {
                last = current.get(uuid);
            }
            if (last == null) {
                return;
            }
            try {
                awaitApplied(store.delete(uuid, last.revision(), true));
                return;
            } catch (StoreConflictException lost) {
                if (attempt >= WRITE_ATTEMPTS) {
                    throw lost;
                }
                awaitNewer(uuid, last.revision());
            }
        }
    }

    /** Completes when the load balancer is gone (at once if it is already). */
    public Uni<Void> removal(UUID uuid) {
        CompletableFuture<Void> future = removals.computeIfAbsent(uuid, u -> new CompletableFuture<>());
        if (get(uuid).isEmpty()) {
            removals.remove(uuid);
            future.complete(null);
        }
        return Uni.createFrom().completionStage(future);
    }

    /** The current state, then every change in order; or, from a revision seen before, every change since. */
    public Multi<LoadBalancerEvent> watch(OptionalLong fromRevision) {
        return events.watch(lock, () -> current.values().stream().map(Entry::loadBalancer).toList(), () -> applied,
                fromRevision);
    }

    @Override
    public void changed(StoreChange change) {
        synchronized (lock) {
            if (change.revision() <= applied) {
                return;
            }
            apply(change);
            applied = change.revision();
            lock.notifyAll();
        }
        afterApplied(Set.of(change.uuid()));
    }

    @Override
    public void reset(StoreSnapshot snapshot) {
        Set<UUID> touched = new HashSet<>();
        synchronized (lock) {
            Map<UUID, StoredLoadBalancer> stored = new LinkedHashMap<>();
            snapshot.loadBalancers().forEach(s -> stored.put(s.loadBalancer().uuid(), s));
            for (UUID gone : new ArrayList<>(current.keySet())) {
                if (!stored.containsKey(gone)) {
                    apply(new StoreChange(gone, null, snapshot.revision()));
                    touched.add(gone);
                }
            }
            stored.forEach((uuid, s) -> {
                Entry known = current.get(uuid);
                if (known == null || known.revision() != s.revision()) {
                    apply(new StoreChange(uuid, s.loadBalancer(), s.revision()));
                    touched.add(uuid);
                }
            });
            applied = Math.max(applied, snapshot.revision());
            lock.notifyAll();
        }
        afterApplied(touched);
    }

    /** Under the lock: one store change into the view, published to watchers. */
    private void apply(StoreChange change) {
        Entry known = current.get(change.uuid());
        if (change.isDeletion()) {
            if (known != null) {
                current.remove(change.uuid());
                events.publish(LoadBalancerEvent.Type.DELETED, known.loadBalancer(), change.revision());
            }
            return;
        }
        LoadBalancer merged = withLocalState(known == null ? null : known.loadBalancer(), change.written());
        current.put(change.uuid(), new Entry(merged, change.revision()));
        events.publish(LoadBalancerEvent.Type.UPSERTED, merged, change.revision());
    }

    private void afterApplied(Set<UUID> touched) {
        for (UUID uuid : touched) {
            if (get(uuid).isEmpty()) {
                Optional.ofNullable(removals.remove(uuid)).ifPresent(f -> f.complete(null));
            }
            storeChangeListeners.forEach(listener -> listener.accept(uuid));
        }
    }

    /**
     * A stored record with what this node had worked out for it: its status and message (DELETING from the store
     * wins), and each backend's health by uuid (a new backend starts unknown).
     */
    private static LoadBalancer withLocalState(LoadBalancer local, LoadBalancer stored) {
        if (local == null) {
            return stored;
        }
        Map<UUID, BackendHealth> health = new LinkedHashMap<>();
        local.backends().forEach(b -> health.put(b.uuid(), b.health()));
        List<Backend> backends = stored.backends().stream()
                .map(b -> b.withHealth(health.getOrDefault(b.uuid(), BackendHealth.UNKNOWN)))
                .toList();
        LoadBalancer merged = stored.withBackends(backends);
        if (stored.status() == LoadBalancerStatus.DELETING) {
            return local.status() == LoadBalancerStatus.DELETING ? merged.withStatus(local.status(), local.message()) : merged;
        }
        return merged.withStatus(local.status(), local.message());
    }

    /** A change of this node's own view only; false when the entry changed meanwhile (work it out again). */
    private boolean replaceLocally(UUID uuid, Entry before, LoadBalancer after) {
        synchronized (lock) {
            Entry now = current.get(uuid);
            if (now == null) {
                throw notFound(uuid);
            }
            if (!now.equals(before)) {
                return false;
            }
            current.put(uuid, new Entry(after, now.revision()));
            events.publish(LoadBalancerEvent.Type.UPSERTED, after, applied);
            return true;
        }
    }

    /** After a durable write: the status and message the change set, on top of the record as applied. */
    private LoadBalancer overlayLocalState(UUID uuid, long written, LoadBalancer after) {
        synchronized (lock) {
            Entry now = current.get(uuid);
            if (now == null || now.revision() != written) {
                return after;
            }
            LoadBalancer overlaid = now.loadBalancer().withStatus(after.status(), after.message());
            if (!overlaid.equals(now.loadBalancer())) {
                current.put(uuid, new Entry(overlaid, written));
                events.publish(LoadBalancerEvent.Type.UPSERTED, overlaid, applied);
            }
            return overlaid;
        }
    }

    private Entry entry(UUID uuid) {
        synchronized (lock) {
            Entry entry = current.get(uuid);
            if (entry == null) {
                throw notFound(uuid);
            }
            return entry;
        }
    }

    /** Waits (bounded) until the change stream has brought this node's view to {@code revision}. */
    private void awaitApplied(long revision) {
        awaitUntil(() -> applied >= revision);
    }

    /** Waits (bounded) until the record is no longer at {@code revision}: the change that won the race is here. */
    private void awaitNewer(UUID uuid, long revision) {
        awaitUntil(() -> {
            Entry now = current.get(uuid);
            return now == null || now.revision() != revision;
        });
    }

    private void awaitUntil(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + APPLY_WAIT.toNanos();
        synchronized (lock) {
            while (!condition.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                try {
                    lock.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static NotFoundException notFound(UUID uuid) {
        return new NotFoundException("no load balancer has uuid " + uuid + ".");
    }
}
