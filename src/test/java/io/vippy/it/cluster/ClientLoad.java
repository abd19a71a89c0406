package io.vippy.it.cluster;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Four client threads opening new connections to a VIP back to back (ephemeral source ports), each given
 * {@code connectMs} to connect and be greeted, for at most a minute; every attempt is recorded with its start.
 */
final class ClientLoad {
    record Attempt(long startedNanos, boolean ok) {
    }

    private static final int THREADS = 4;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final ConcurrentLinkedQueue<Attempt> attempts = new ConcurrentLinkedQueue<>();
    private final ExecutorService threads = Executors.newFixedThreadPool(THREADS);

    ClientLoad(ClusterRig rig, String address, int port, int connectMs) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (int i = 0; i < THREADS; i++) {
            threads.submit(() -> {
                while (running.get() && System.nanoTime() < deadline) {
                    long started = System.nanoTime();
                    String backend;
                    try {
                        backend = rig.requestAsync(address, port, 0, connectMs).get(connectMs * 4L, TimeUnit.MILLISECONDS);
                    } catch (Exception e) {
                        backend = null;
                    }
                    attempts.add(new Attempt(started, backend != null));
                }
            });
        }
    }

    /** Stops the threads; every attempt made. */
    List<Attempt> stop() throws InterruptedException {
        running.set(false);
        threads.shutdown();
        if (!threads.awaitTermination(10, TimeUnit.SECONDS)) {
            threads.shutdownNow();
        }
        return List.copyOf(attempts);
    }

    /** Milliseconds from {@code sinceNanos} to the start of the last failed attempt (0 when none failed after it). */
    static long blackoutMillis(List<Attempt> attempts, long sinceNanos) {
        return attempts.stream().filter(a -> !a.ok()).mapToLong(Attempt::startedNanos).max()
                .stream().map(last -> Math.max(0, last - sinceNanos) / 1_000_000).findFirst().orElse(0);
    }
}
