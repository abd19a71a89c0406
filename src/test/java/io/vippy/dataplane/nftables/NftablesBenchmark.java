package io.vippy.dataplane.nftables;

import io.vippy.core.RealServer;
import io.vippy.core.ServiceKey;
import io.vippy.core.VirtualService;
import io.vippy.core.model.Protocol;
import io.vippy.core.model.Scheduler;
import io.vippy.netlink.NetworkNamespace;
import io.vippy.testing.Futures;
import io.vippy.testing.RootOnly;
import io.vippy.testing.TestNamespace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Benchmarks, not tests: surefire runs them only when selected, e.g.
 * {@code ./mvnw -o test -Dtest=NftablesBenchmark#addBackendLatency} (see bench/dataplane/).
 */
class NftablesBenchmark {

    /** Time to add one backend to one service while 1, 1,000 and 10,000 load balancers exist. */
    @Test
    void addBackendLatency() {
        RootOnly.assumeRoot();
        int rounds = Integer.getInteger("bench.rounds", 30);
        try (TestNamespace ns = TestNamespace.create("vnft")) {
            ExecutorService kernel = Executors.newSingleThreadExecutor(
                    NetworkNamespace.named(ns.name()).threadFactory("bench-kernel"));
            try {
                for (int count : new int[] {1, 1_000, 10_000}) {
                    long[] micros = Futures.await(kernel.submit(() -> measure(count, rounds)));
                    Arrays.sort(micros);
                    System.out.printf("BENCH add-backend services=%d rounds=%d median_ms=%.2f p90_ms=%.2f max_ms=%.2f%n",
                            count, rounds, micros[rounds / 2] / 1000.0, micros[rounds * 9 / 10] / 1000.0,
                            micros[rounds - 1] / 1000.0);
                }
            } finally {
                kernel.shutdownNow();
            }
        }
    }

    /** On the kernel thread: a fresh dataplane, {@code count} rr services of two backends, then timed adds. */
    private static long[] measure(int count, int rounds) {
        try (NftablesDataplane dataplane = new NftablesDataplane()) {
            List<VirtualService> services = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                services.add(service(i, 2));
            }
            dataplane.sync(services);
            long[] micros = new long[rounds];
            for (int round = -rounds; round < rounds; round++) {
                VirtualService grown = service(Math.floorMod(round, count), 3);
                long start = System.nanoTime();
                dataplane.program(grown);
                if (round >= 0) { // the first rounds warm up the JIT
                    micros[round] = (System.nanoTime() - start) / 1000;
                }
                dataplane.program(service(Math.floorMod(round, count), 2));
            }
            dataplane.sync(List.of());
            return micros;
        }
    }

    private static VirtualService service(int index, int backends) {
        ServiceKey key = new ServiceKey(LbTopology.address("198.18." + index / 250 + "." + (index % 250 + 1)),
                Protocol.TCP, 80);
        List<RealServer> reals = new ArrayList<>();
        for (int b = 1; b <= backends; b++) {
            reals.add(new RealServer(LbTopology.address("10.20.0." + (10 + b)), 80, 1));
        }
        return new VirtualService(key, Scheduler.RR, reals);
    }

    /**
     * Programs the throughput benchmark's VIP (203.0.113.10:80, rr over 10.20.0.11/.12) into the namespace
     * {@code -Dbench.netns}; the kernel state stays after the JVM exits.
     */
    @Test
    void programVip() {
        String netns = System.getProperty("bench.netns");
        Assumptions.assumeTrue(netns != null, "set -Dbench.netns");
        ExecutorService kernel = Executors.newSingleThreadExecutor(NetworkNamespace.named(netns).threadFactory("bench"));
        try {
            Futures.await(kernel.submit(() -> {
                try (NftablesDataplane dataplane = new NftablesDataplane()) {
                    dataplane.sync(List.of(new VirtualService(new ServiceKey(LbTopology.VIP, Protocol.TCP, 80),
                            Scheduler.RR, List.of(new RealServer(LbTopology.address("10.20.0.11"), 80, 1),
                                    new RealServer(LbTopology.address("10.20.0.12"), 80, 1)))));
                }
                return null;
            }));
        } finally {
            kernel.shutdownNow();
        }
    }
}
