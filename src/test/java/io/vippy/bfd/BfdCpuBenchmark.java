package io.vippy.bfd;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vippy.bfd.session.BfdTimers;
import io.vippy.bgp.BgpTopology;
import io.vippy.bgp.Frr;
import io.vippy.core.BgpNeighbor;
import io.vippy.core.PeerFailureDetector;
import io.vippy.netlink.NetworkNamespace;
import io.vippy.testing.RootOnly;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

/**
 * The CPU cost of BFD at 300 ms x 3 with two peers (FRR's bfdd on two ToR addresses): the CPU time of BFD's own
 * threads (event loop and receivers) and of the whole process in one window, then of the whole process in a window
 * of the same length after BFD stopped, side by side. Not part of the test suite (the name does not end in Test);
 * bench/bfd/run.sh runs it.
 * <p>
 * Each session has its own pair of addresses: bfdd keys a single-hop peer by the remote address (and interface),
 * not by its local address, so two {@code peer} blocks for the same remote address are one session to it.
 */
class BfdCpuBenchmark {
    private static final Duration WINDOW = Duration.ofSeconds(Integer.getInteger("bfd.bench.seconds", 60));
    /**
     * Sessions Up before the window with BFD: a daemon runs for days, so its per-packet path is what the JIT made of
     * it; at some 7 packets a second per direction that takes minutes, not seconds.
     */
    private static final Duration WARM_UP = Duration.ofSeconds(Integer.getInteger("bfd.bench.warmup", 3));
    /** After BFD stopped, before the window without it. */
    private static final Duration SETTLE = Duration.ofSeconds(3);
    /** bgpd only so that the rig's readiness check passes; the BFD sessions are configured in bfdd. */
    private static final String BGPD = "hostname tor\nrouter bgp 65530\n bgp router-id 192.168.100.1\n"
            + " neighbor 192.168.100.2 remote-as 65000\n";
    private static final String BFDD = """
            hostname tor
            bfd
             peer 192.168.100.2 local-address 192.168.100.1
             !
             peer 192.168.100.12 local-address 192.168.100.11
             !
            !
            """;

    /** No BGP session rides on these BFD sessions: only BFD's own cost is measured. */
    private static final PeerFailureDetector.PathObserver NO_BGP = new PeerFailureDetector.PathObserver() {
        @Override
        public void failed() {
        }

        @Override
        public void up() {
        }
    };

    @Test
    void bfdCpuBesideAnIdleJvm() throws Exception {
        RootOnly.assumeRoot();
        try (BgpTopology topology = BgpTopology.create("vbfdb")) {
            topology.tor.exec("ip", "addr", "add", "192.168.100.11/24", "dev", "veth-tor").orThrow();
            topology.lbnode.exec("ip", "addr", "add", "192.168.100.12/24", "dev", "veth-lb").orThrow();
            BgpNeighbor first = BfdTestSupport.neighbor("192.168.100.1", Optional.of(BgpTopology.LB_IPV4), 0);
            BgpNeighbor second = BfdTestSupport.neighbor("192.168.100.11", Optional.of("192.168.100.12"), 0);
            try (Frr frr = new Frr(topology, topology.tor, BGPD, BFDD)) {
                BfdDetector detector = new BfdDetector(new BfdTimers(Duration.ofMillis(300), 3),
                        NetworkNamespace.named(topology.lbnode.name()), new SimpleMeterRegistry());
                try {
                    detector.watch(first, NO_BGP);
                    detector.watch(second, NO_BGP);
                    try {
                        Awaitility.await("both sessions Up").atMost(Duration.ofSeconds(20)).until(() ->
                                "UP".equals(detector.state(first).orElse("")) && "UP".equals(detector.state(second).orElse("")));
                    } catch (ConditionTimeoutException e) {
                        throw new AssertionError("BFD sessions not Up: " + detector.state(first) + ", "
                                + detector.state(second) + "; FRR:\n" + frr.vtysh("show bfd peers") + frr.log(), e);
                    }
                    Thread.sleep(WARM_UP.toMillis());
                    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
                    String loadBefore = loadAverage();
                    Map<String, Cpu> bfdBefore = bfdThreadsCpu(threads);
                    Cpu processBefore = processCpu();
                    Thread.sleep(WINDOW.toMillis());
                    Map<String, Cpu> bfdAfter = bfdThreadsCpu(threads);
                    Cpu process = processCpu().minus(processBefore);
                    String loadWithBfd = loadAverage();
                    String stillUp = detector.state(first).orElse("-") + ", " + detector.state(second).orElse("-");

                    detector.shutdown();
                    Thread.sleep(SETTLE.toMillis());
                    Cpu idleBefore = processCpu();
                    Thread.sleep(WINDOW.toMillis());
                    Cpu idle = processCpu().minus(idleBefore);

                    System.out.printf("BFD-BENCH 2 sessions at 300 ms x 3 (%s at the end), then none; %d s windows,"
                            + " the first after %d s Up%n", stillUp, WINDOW.toSeconds(), WARM_UP.toSeconds());
                    System.out.printf("| what | CPU in window | share of one core | of it in the kernel |%n|---|---|---|---|%n");
                    Cpu together = Cpu.NONE;
                    for (Map.Entry<String, Cpu> thread : bfdAfter.entrySet()) {
                        Cpu used = thread.getValue().minus(bfdBefore.getOrDefault(thread.getKey(), Cpu.NONE));
                        row("BFD thread " + thread.getKey(), used);
                        together = together.plus(used);
                    }
                    row("BFD threads together", together);
                    row("whole JVM, BFD running (idle test runner + BFD)", process);
                    row("whole JVM, BFD stopped (idle test runner)", idle);
                    System.out.printf("load average (1, 5, 15 min): %s before, %s after the BFD window, %s at the end%n%n",
                            loadBefore, loadWithBfd, loadAverage());
                } finally {
                    detector.shutdown();
                }
            }
        }
    }

    /** CPU time in user space and in the kernel, in nanoseconds. */
    private record Cpu(long user, long kernel) {
        static final Cpu NONE = new Cpu(0, 0);

        long total() {
            return user + kernel;
        }

        Cpu plus(Cpu other) {
            return new Cpu(user + other.user, kernel + other.kernel);
        }

        Cpu minus(Cpu other) {
            return new Cpu(user - other.user, kernel - other.kernel);
        }
    }

    private static void row(String what, Cpu cpu) {
        System.out.printf("| %s | %.3f s | %.3f %% | %.0f %% |%n", what, cpu.total() / 1e9,
                100.0 * cpu.total() / WINDOW.toNanos(), cpu.total() == 0 ? 0.0 : 100.0 * cpu.kernel() / cpu.total());
    }

    /** CPU time so far of each BFD thread (event loop, receivers), by name. */
    private static Map<String, Cpu> bfdThreadsCpu(ThreadMXBean threads) {
        return Arrays.stream(threads.getThreadInfo(threads.getAllThreadIds()))
                .filter(info -> info != null && info.getThreadName().startsWith("vippy-bfd"))
                .collect(Collectors.toMap(ThreadInfo::getThreadName, info -> {
                    long user = threads.getThreadUserTime(info.getThreadId());
                    return new Cpu(user, threads.getThreadCpuTime(info.getThreadId()) - user);
                }, Cpu::plus, TreeMap::new));
    }

    private static String loadAverage() throws Exception {
        String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return String.join(" ", fields[0], fields[1], fields[2]);
    }

    /** utime and stime of this process from /proc/self/stat (clock ticks of 10 ms). */
    private static Cpu processCpu() throws Exception {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new Cpu(Long.parseLong(fields[11]) * 10_000_000L, Long.parseLong(fields[12]) * 10_000_000L);
    }
}
