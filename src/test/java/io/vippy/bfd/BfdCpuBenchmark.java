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
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The CPU cost of BFD at 300 ms x 3 with two peers (FRR's bfdd on two ToR addresses), measured in the same window
 * as the rest of this JVM: the CPU time of BFD's own threads (event loop and receivers) against the whole
 * process. Not part of the test suite (the name does not end in Test); bench/bfd/run.sh runs it.
 */
class BfdCpuBenchmark {
    private static final Duration WINDOW = Duration.ofSeconds(Integer.getInteger("bfd.bench.seconds", 60));
    /** bgpd only so that the rig's readiness check passes; the BFD sessions are configured in bfdd. */
    private static final String BGPD = "hostname tor\nrouter bgp 65530\n bgp router-id 192.168.100.1\n"
            + " neighbor 192.168.100.2 remote-as 65000\n";
    private static final String BFDD = """
            hostname tor
            bfd
             peer 192.168.100.2 local-address 192.168.100.1
             !
             peer 192.168.100.2 local-address 192.168.100.11
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
            BgpNeighbor first = BfdTestSupport.neighbor("192.168.100.1", Optional.of(BgpTopology.LB_IPV4), 0);
            BgpNeighbor second = BfdTestSupport.neighbor("192.168.100.11", Optional.of(BgpTopology.LB_IPV4), 0);
            try (Frr frr = new Frr(topology, topology.tor, BGPD, BFDD)) {
                BfdDetector detector = new BfdDetector(new BfdTimers(Duration.ofMillis(300), 3),
                        NetworkNamespace.named(topology.lbnode.name()), new SimpleMeterRegistry());
                try {
                    detector.watch(first, NO_BGP);
                    detector.watch(second, NO_BGP);
                    Awaitility.await("both sessions Up").atMost(Duration.ofSeconds(20)).until(() ->
                            "UP".equals(detector.state(first).orElse("")) && "UP".equals(detector.state(second).orElse("")));
                    Thread.sleep(3000);
                    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
                    long bfdBefore = bfdThreadsCpuNanos(threads);
                    long processBefore = processCpuNanos();
                    Thread.sleep(WINDOW.toMillis());
                    long bfd = bfdThreadsCpuNanos(threads) - bfdBefore;
                    long process = processCpuNanos() - processBefore;
                    System.out.printf("BFD-BENCH 2 sessions Up at 300 ms x 3, %d s window%n", WINDOW.toSeconds());
                    System.out.printf("| threads | CPU in window | share of one core |%n|---|---|---|%n");
                    System.out.printf("| BFD (event loop + receivers) | %.3f s | %.3f %% |%n", bfd / 1e9, 100.0 * bfd / WINDOW.toNanos());
                    System.out.printf("| whole JVM (test runner idle, BFD included) | %.3f s | %.3f %% |%n", process / 1e9,
                            100.0 * process / WINDOW.toNanos());
                    System.out.printf("| still Up at the end | %s, %s | |%n%n", detector.state(first).orElse("-"),
                            detector.state(second).orElse("-"));
                } finally {
                    detector.shutdown();
                }
            }
        }
    }

    private static long bfdThreadsCpuNanos(ThreadMXBean threads) {
        return Arrays.stream(threads.getThreadInfo(threads.getAllThreadIds())).filter(info -> info != null
                && info.getThreadName().startsWith("vippy-bfd")).mapToLong(info -> threads.getThreadCpuTime(info.getThreadId())).sum();
    }

    /** utime + stime of this process from /proc/self/stat, in nanoseconds (clock ticks of 10 ms). */
    private static long processCpuNanos() throws Exception {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10_000_000L;
    }
}
