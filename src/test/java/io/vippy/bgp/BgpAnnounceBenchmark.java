package io.vippy.bgp;

import io.vippy.bgp.session.BgpSessionOptions;
import io.vippy.core.Route;
import io.vippy.netlink.NetworkNamespace;
import io.vippy.testing.RootOnly;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Time from "announce" to "all prefixes in the peer's table", for Vippy's speaker and for BIRD announcing the
 * same prefixes to the same BIRD peer in the same run (each into its own table there). Not part of the test
 * suite (the name does not end in Test); bench/bgp/run.sh runs it.
 */
class BgpAnnounceBenchmark {
    private static final int ROUNDS = Integer.getInteger("bgp.bench.rounds", 5);
    private static final Duration LIMIT = Duration.ofSeconds(30);

    private static final String PEER = """
            log stderr all;
            router id 192.168.100.1;
            protocol device { }
            ipv4 table t_vippy;
            ipv4 table t_bird;
            protocol bgp vippy_lb {
              local 192.168.100.1 as 65530; neighbor 192.168.100.2 as 65000; passive on;
              ipv4 { table t_vippy; import all; export none; };
            }
            protocol bgp bird_lb {
              local 192.168.100.1 as 65530; neighbor 192.168.100.3 as 65000; passive on;
              ipv4 { table t_bird; import all; export none; };
            }
            """;

    @Test
    void announceToPeerTable() {
        RootOnly.assumeRoot();
        try (BgpTopology topology = BgpTopology.create()) {
            topology.lbnode.exec("ip", "addr", "add", "192.168.100.3/24", "dev", "veth-lb").orThrow();
            List<Route> thousand = IntStream.range(0, 1000)
                    .mapToObj(i -> Route.of(BgpTestSupport.ip("10.1." + (i / 256) + "." + (i % 256)))).toList();
            try (Bird peer = new Bird(topology, topology.tor, "peer", PEER);
                    Bird birdSpeaker = new Bird(topology, topology.lbnode, "speaker", birdSpeakerConfig(thousand))) {
                BgpSpeaker vippy = new BgpSpeaker(BgpSessionOptions.DEFAULTS, NetworkNamespace.named(topology.lbnode.name()));
                vippy.start(List.of(BgpTestSupport.neighbor(BgpTopology.TOR_IPV4, 179, Optional.empty(), 0)));
                BgpTestSupport.awaitEstablished(vippy, 1);
                await(() -> peer.isEstablished("bird_lb"));
                StringBuilder report = new StringBuilder("| routes | speaker | announce median ms (min-max) | withdraw median ms (min-max) |\n|---|---|---|---|\n");
                for (List<Route> routes : List.of(thousand.subList(0, 1), thousand)) {
                    String protocol = routes.size() == 1 ? "vips1" : "vips1000";
                    List<Long> vippyUp = new ArrayList<>(), vippyDown = new ArrayList<>();
                    List<Long> birdUp = new ArrayList<>(), birdDown = new ArrayList<>();
                    // Round 0 warms up (JIT, BIRD's first export) and is not counted.
                    for (int round = 0; round <= ROUNDS; round++) {
                        long up = time(() -> vippy.announce(Set.copyOf(routes)), () -> count(peer, "t_vippy") == routes.size());
                        long down = time(() -> vippy.announce(Set.of()), () -> count(peer, "t_vippy") == 0);
                        long birdUpMillis = time(() -> birdSpeaker.birdc("enable " + protocol), () -> count(peer, "t_bird") == routes.size());
                        long birdDownMillis = time(() -> birdSpeaker.birdc("disable " + protocol), () -> count(peer, "t_bird") == 0);
                        if (round > 0) {
                            vippyUp.add(up);
                            vippyDown.add(down);
                            birdUp.add(birdUpMillis);
                            birdDown.add(birdDownMillis);
                        }
                    }
                    report.append(row(routes.size(), "Vippy", vippyUp, vippyDown)).append(row(routes.size(), "BIRD 2", birdUp, birdDown));
                }
                vippy.shutdown(Duration.ofSeconds(5));
                System.out.println("BGP-BENCH rounds=" + ROUNDS + "\n" + report);
            }
        }
    }

    private static String birdSpeakerConfig(List<Route> thousand) {
        String routes = thousand.stream().map(route -> "  route " + route.address().getHostAddress() + "/32 blackhole;")
                .collect(Collectors.joining("\n"));
        return """
                router id 192.168.100.3;
                protocol device { }
                protocol static vips1 { disabled; ipv4; route 10.1.0.0/32 blackhole; }
                protocol static vips1000 { disabled; ipv4;
                ROUTES
                }
                protocol bgp tor {
                  local 192.168.100.3 as 65000; neighbor 192.168.100.1 as 65530;
                  connect delay time 1;
                  ipv4 { import none; export where proto ~ "vips*"; };
                }
                """.replace("ROUTES", routes);
    }

    private static int count(Bird peer, String table) {
        String output = peer.birdc("show route table " + table + " count");
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("(\\d+) of \\d+ routes").matcher(output);
        return matcher.find() ? Integer.parseInt(matcher.group(1)) : -1;
    }

    /** Milliseconds from the action until the condition holds, polled as fast as birdc answers. */
    private static long time(Runnable action, BooleanSupplier done) {
        long start = System.nanoTime();
        action.run();
        await(done);
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not done within " + LIMIT);
            }
        }
    }

    private static String row(int routes, String speaker, List<Long> up, List<Long> down) {
        return "| " + routes + " | " + speaker + " | " + summary(up) + " | " + summary(down) + " |\n";
    }

    private static String summary(List<Long> millis) {
        List<Long> sorted = millis.stream().sorted().toList();
        return sorted.get(sorted.size() / 2) + " (" + sorted.get(0) + "-" + sorted.get(sorted.size() - 1) + ")";
    }
}
