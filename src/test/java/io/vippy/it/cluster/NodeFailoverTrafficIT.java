package io.vippy.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vippy.testing.RootOnly;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One of three nodes that the ToR spreads a VIP's traffic over (ECMP) dies or stops under a continuous stream
 * of new connections: a dead host costs a blackout that ends when the ToR drops its route (the BGP hold time,
 * BFD off; measured and reported), a SIGTERM costs no connection. The nodes are standalone, each with the same
 * load balancer from the same pool, so the test depends only on BGP and the dataplane.
 */
class NodeFailoverTrafficIT {
    private static final int PORT = 80;
    /** Each new connection gets this long to connect and be greeted. */
    private static final int CONNECT_MS = 500;
    private ClusterRig rig;
    private String vip;

    @BeforeEach
    void setUp() {
        RootOnly.assumeRoot();
        rig = ClusterRig.up(ClusterRig.Options.standalone(3));
        ClusterRig.await("3 BGP sessions Established at the ToR", Duration.ofSeconds(30),
                () -> rig.tor().establishedSessions() == 3, rig::diagnostics);
        for (int n = 1; n <= 3; n++) {
            String uuid = rig.createWithBackends(n, "web", PORT).get("uuid").asText();
            vip = rig.awaitActive(n, uuid, Duration.ofSeconds(20));
        }
        ClusterRig.await("three next hops at the ToR", Duration.ofSeconds(20), () -> rig.torNextHops(vip).size() == 3,
                rig::diagnostics);
        ClusterRig.await("the client reaches " + vip, Duration.ofSeconds(20), () -> rig.request(vip, PORT, 0) != null,
                rig::diagnostics);
    }

    @AfterEach
    void tearDown() {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void aNodeWhoseHostDiesCostsNewConnectionsABlackoutThatEnds() throws Exception {
        Load load = new Load();
        Thread.sleep(2000);
        long killed = System.nanoTime();
        rig.killHost(2);
        ClusterRig.await("the ToR drops the dead node's next hop", Duration.ofSeconds(30),
                () -> rig.torNextHops(vip).size() == 2, rig::diagnostics);
        long dropped = System.nanoTime();
        Thread.sleep(3000);
        List<Attempt> attempts = load.stop();
        List<Attempt> failures = attempts.stream().filter(a -> !a.ok()).toList();
        long lastFailure = failures.stream().mapToLong(Attempt::startedNanos).max().orElse(killed);
        long afterKill = attempts.stream().filter(a -> a.startedNanos() > killed).count();
        System.out.printf("ECMP: host of node 2 died (packets dropped, Vippy SIGKILLed), BFD off: the ToR dropped"
                + " its next hop after %d ms; new connections failed for %d ms (kill to last failure): %d of %d"
                + " attempts after the kill failed%n", (dropped - killed) / 1_000_000,
                Math.max(0, (lastFailure - killed) / 1_000_000), failures.size(), afterKill);
        assertTrue(failures.stream().allMatch(a -> a.startedNanos() >= killed - TimeUnit.MILLISECONDS.toNanos(CONNECT_MS)),
                "connections failed before the kill: " + failures.size());
        assertTrue(lastFailure < dropped + TimeUnit.SECONDS.toNanos(1),
                "connections still failed more than 1 s after the ToR dropped the dead node's route");
    }

    @Test
    void aNodeStoppedWithSigtermCostsNoConnection() throws Exception {
        Load load = new Load();
        Thread.sleep(2000);
        long terminated = System.nanoTime();
        assertEquals(0, rig.node(2).terminate(), "exit code after SIGTERM");
        ClusterRig.await("the ToR drops node 2's next hop", Duration.ofSeconds(30),
                () -> rig.torNextHops(vip).size() == 2, rig::diagnostics);
        long dropped = System.nanoTime();
        Thread.sleep(2000);
        List<Attempt> attempts = load.stop();
        List<Attempt> failures = attempts.stream().filter(a -> !a.ok()).toList();
        System.out.printf("ECMP: node 2 stopped with SIGTERM: the ToR dropped its next hop after %d ms;"
                + " %d failures in %d new connections%n", (dropped - terminated) / 1_000_000, failures.size(),
                attempts.size());
        assertEquals(List.of(), failures, "new connections that failed while a node stopped gracefully");
    }

    private record Attempt(long startedNanos, boolean ok) {
    }

    /** Four client threads opening new connections back to back (ephemeral source ports), for at most 60 s. */
    private final class Load {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final ConcurrentLinkedQueue<Attempt> attempts = new ConcurrentLinkedQueue<>();
        private final ExecutorService threads = Executors.newFixedThreadPool(4);

        Load() {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            for (int i = 0; i < 4; i++) {
                threads.submit(() -> {
                    while (running.get() && System.nanoTime() < deadline) {
                        long started = System.nanoTime();
                        String backend;
                        try {
                            backend = rig.requestAsync(vip, PORT, 0, CONNECT_MS).get(CONNECT_MS * 4L, TimeUnit.MILLISECONDS);
                        } catch (Exception e) {
                            backend = null;
                        }
                        attempts.add(new Attempt(started, backend != null));
                    }
                });
            }
        }

        List<Attempt> stop() throws InterruptedException {
            running.set(false);
            threads.shutdown();
            if (!threads.awaitTermination(10, TimeUnit.SECONDS)) {
                threads.shutdownNow();
            }
            return List.copyOf(attempts);
        }
    }
}
