package io.vippy.core;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vippy.core.events.LoadBalancerEvent;
import io.vippy.core.events.LoadBalancerEvents;
import io.vippy.core.model.LoadBalancer;
import io.vippy.core.model.NotFoundException;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * The recorded state of every load balancer: the store's contents, in memory, in creation order. Every change
 * is written to the store (when it changes the {@link LoadBalancer#durableState() durable state}), then made
 * visible, then published as an event, all under one lock, so readers, the store and watchers see the same
 * sequence. Blocking (the store): never call a mutator on an event loop.
 */
@ApplicationScoped
public class LoadBalancerRegistry {
    /** How far a watcher may fall behind the live events before it is told to resync. */
    static final int WATCH_MAX_LAG = 4096;

    private final StateStore store;
    private final Object lock = new Object();
    private final Map<UUID, LoadBalancer> current = new LinkedHashMap<>();
    private final Map<UUID, CompletableFuture<Void>> removals = new ConcurrentHashMap<>();
    private final LoadBalancerEvents events = new LoadBalancerEvents(WATCH_MAX_LAG);

    LoadBalancerRegistry(StateStore store) {
        this.store = store;
    }

    /** Reads the store when the bean is first used, so nothing is served before the state is known. */
    @PostConstruct
    void load() {
        synchronized (lock) {
            store.loadAll().forEach(lb -> current.put(lb.uuid(), lb));
        }
    }

    public Optional<LoadBalancer> get(UUID uuid) {
        synchronized (lock) {
            return Optional.ofNullable(current.get(uuid));
        }
    }

    public LoadBalancer require(UUID uuid) {
        return get(uuid).orElseThrow(() -> new NotFoundException("no load balancer has uuid " + uuid + "."));
    }

    public List<LoadBalancer> list() {
        synchronized (lock) {
            return new ArrayList<>(current.values());
        }
    }

    public void create(LoadBalancer loadBalancer) {
        synchronized (lock) {
            store.put(loadBalancer.durableState());
            current.put(loadBalancer.uuid(), loadBalancer);
            events.publish(LoadBalancerEvent.Type.UPSERTED, loadBalancer);
        }
    }

    /**
     * Applies {@code change} atomically and records the result; {@code change} may throw to refuse it, and
     * returning the same value records nothing. Throws {@link NotFoundException} for an unknown uuid.
     */
    public LoadBalancer update(UUID uuid, UnaryOperator<LoadBalancer> change) {
        synchronized (lock) {
            LoadBalancer before = require(uuid);
            LoadBalancer after = change.apply(before);
            if (!after.equals(before)) {
                if (!after.durableState().equals(before.durableState())) {
                    store.put(after.durableState());
                }
                current.put(uuid, after);
                events.publish(LoadBalancerEvent.Type.UPSERTED, after);
            }
            return after;
        }
    }

    /** Forgets the load balancer once its teardown is complete. */
    public void remove(UUID uuid) {
        synchronized (lock) {
            LoadBalancer last = current.get(uuid);
            if (last == null) {
                return;
            }
            store.delete(uuid);
            current.remove(uuid);
            events.publish(LoadBalancerEvent.Type.DELETED, last);
        }
        Optional.ofNullable(removals.remove(uuid)).ifPresent(f -> f.complete(null));
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

    /** The current state, then every change in order. */
    public Multi<LoadBalancerEvent> watch() {
        return events.watch(lock, () -> List.copyOf(current.values()));
    }
}
