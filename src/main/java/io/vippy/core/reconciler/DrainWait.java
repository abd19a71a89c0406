package io.vippy.core.reconciler;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * How long a node's drain waits between telling the routers to move away (graceful shutdown) and withdrawing: until
 * the routers have stopped sending new connections, seen as the kernel's connection counters standing still for
 * {@link #quiet}, and at most the drain delay. A fixed delay waits for nothing when the routers moved at once, and
 * too little when one is slow.
 */
final class DrainWait {
    static final Duration POLL = Duration.ofMillis(250);
    static final Duration QUIET = Duration.ofSeconds(1);

    /** How long it waited, and whether the traffic went quiet (false: the drain delay ran out first). */
    record Outcome(Duration waited, boolean quiet) {
    }

    private final Duration poll;
    private final Duration quiet;

    DrainWait(Duration poll, Duration quiet) {
        this.poll = poll;
        this.quiet = quiet;
    }

    /**
     * Reads {@code connections} (a count that only grows, new connections served) every poll until it has not grown
     * for the quiet time, or {@code atMost} has passed. A failed read counts as traffic: a drain does not end early on
     * no evidence.
     */
    Uni<Outcome> untilQuiet(Supplier<Uni<Long>> connections, Duration atMost) {
        long started = System.nanoTime();
        AtomicLong lastCount = new AtomicLong(Long.MIN_VALUE);
        AtomicLong lastChange = new AtomicLong(started);
        return Multi.createFrom().ticks().every(poll).onOverflow().drop()
                .onItem().transformToUniAndConcatenate(tick -> connections.get().map(Optional::of)
                        .onFailure().recoverWithItem(Optional.empty()))
                .map(count -> {
                    long now = System.nanoTime();
                    if (count.isEmpty() || count.get() != lastCount.getAndSet(count.get())) {
                        lastChange.set(now);
                    }
                    return now;
                })
                .filter(now -> now - lastChange.get() >= quiet.toNanos() || now - started >= atMost.toNanos())
                .toUni()
                .map(now -> new Outcome(Duration.ofNanos(now - started), now - lastChange.get() >= quiet.toNanos()));
    }
}
