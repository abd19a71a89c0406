package io.vippy.core.events;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.vippy.core.model.LoadBalancer;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Fans changes out to any number of watchers, in order, and keeps the last {@code maxLag} of them so that a watcher
 * can resume from a revision it has seen. Each watcher may fall behind by at most {@code maxLag} events beyond its
 * snapshot; past that it receives {@link LoadBalancerEvent.Type#RESYNC} and its stream ends, so one slow watcher
 * never holds up the others or grows memory without bound.
 *
 * <p>Callers publish under the same lock they take the snapshot under, which is what makes "snapshot, then
 * every later change" exact: see {@link #watch}.
 */
public final class LoadBalancerEvents {
    private final int maxLag;
    private final List<Watcher> watchers = new CopyOnWriteArrayList<>();
    /** The last changes, oldest first; guarded by the callers' lock. */
    private final ArrayDeque<LoadBalancerEvent> history = new ArrayDeque<>();
    /** Every change at this revision or later is in {@link #history}. */
    private long heldFrom;

    /** {@code heldFrom}: the revision of the state the caller starts from; history holds everything after it. */
    public LoadBalancerEvents(int maxLag, long heldFrom) {
        this.maxLag = maxLag;
        this.heldFrom = heldFrom;
    }

    /** Publishes a change to every watcher. Call it under the lock that guards the state. */
    public void publish(LoadBalancerEvent.Type type, LoadBalancer loadBalancer, long revision) {
        LoadBalancerEvent event = new LoadBalancerEvent(type, revision, loadBalancer);
        history.addLast(event);
        if (history.size() > maxLag) {
            heldFrom = Math.max(heldFrom, history.removeFirst().revision() + 1);
        }
        for (Watcher watcher : watchers) {
            watcher.offer(event);
        }
    }

    /**
     * A stream of the current state, then every change; or, given {@code fromRevision}, every held change at or after
     * that revision, then every later one (RESYNC at once when changes since then are no longer held).
     * {@code lockedSnapshot} runs under {@code lock}, the lock publishers hold, so no change falls between the snapshot
     * (or the replay) and the live events; {@code revision} is the revision of that state.
     */
    public Multi<LoadBalancerEvent> watch(Object lock, Supplier<Collection<LoadBalancer>> lockedSnapshot,
            Supplier<Long> revision, OptionalLong fromRevision) {
        return Multi.createFrom().deferred(() -> {
            Watcher watcher = new Watcher();
            return Multi.createFrom().<LoadBalancerEvent>emitter(emitter -> {
                synchronized (lock) {
                    long at = revision.get();
                    if (fromRevision.isPresent()) {
                        long from = fromRevision.getAsLong();
                        if (from < heldFrom) {
                            emitter.emit(new LoadBalancerEvent(LoadBalancerEvent.Type.RESYNC, at, null));
                            emitter.complete();
                            return;
                        }
                        List<LoadBalancerEvent> missed = history.stream().filter(e -> e.revision() >= from).toList();
                        watcher.start(emitter, missed.size() + (long) maxLag);
                        missed.forEach(watcher::offer);
                    } else {
                        Collection<LoadBalancer> snapshot = lockedSnapshot.get();
                        watcher.start(emitter, snapshot.size() + 1L + maxLag);
                        for (LoadBalancer lb : snapshot) {
                            watcher.offer(new LoadBalancerEvent(LoadBalancerEvent.Type.SNAPSHOT, at, lb));
                        }
                        watcher.offer(new LoadBalancerEvent(LoadBalancerEvent.Type.SNAPSHOT_END, at, null));
                    }
                    watchers.add(watcher);
                }
                emitter.onTermination(() -> watchers.remove(watcher));
            }).onItem().invoke(watcher::delivered);
        });
    }

    /** A subscriber and how many events it has been sent but not yet taken. */
    private final class Watcher {
        private final AtomicLong undelivered = new AtomicLong();
        private MultiEmitter<? super LoadBalancerEvent> emitter;
        private long limit;
        private boolean ended;

        void start(MultiEmitter<? super LoadBalancerEvent> emitter, long limit) {
            this.emitter = emitter;
            this.limit = limit;
        }

        void delivered(LoadBalancerEvent event) {
            undelivered.decrementAndGet();
        }

        synchronized void offer(LoadBalancerEvent event) {
            if (ended) {
                return;
            }
            if (undelivered.get() >= limit) {
                ended = true;
                watchers.remove(this);
                emitter.emit(new LoadBalancerEvent(LoadBalancerEvent.Type.RESYNC, event.revision(), null));
                emitter.complete();
                return;
            }
            undelivered.incrementAndGet();
            emitter.emit(event);
        }
    }
}
