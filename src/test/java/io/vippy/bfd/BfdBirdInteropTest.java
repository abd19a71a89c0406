package io.vippy.bfd;

import static io.vippy.bfd.BfdTestSupport.peer;
import static io.vippy.bgp.BgpTopology.TOR_IPV4;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vippy.bgp.BgpSpeaker;
import io.vippy.bgp.BgpTopology;
import io.vippy.bgp.Bird;
import io.vippy.core.BgpNeighbor;
import io.vippy.testing.RootOnly;
import java.time.Duration;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Vippy's BFD in {@code lbnode} against BIRD 2's {@code protocol bfd} in {@code tor}, BGP hold time 90 s. Single hop
 * on a shared link; {@link BfdBirdMultihopInteropTest} runs the same test over multihop by overriding the rig's
 * methods.
 */
class BfdBirdInteropTest {
    static final String BIRD_TOR = """
            log stderr all;
            router id 192.168.100.1;
            protocol device { }
            protocol bfd {
              interface "veth-tor" { interval 300 ms; multiplier 3; };
            }
            protocol bgp lb {
              local 192.168.100.1 as 65530;
              neighbor 192.168.100.2 as 65000;
              passive on;
              hold time 90;
              # accept the reconnection after a BFD teardown at once, not after the default 60 s
              error wait time 1, 2;
              bfd on;
              ipv4 { import all; export none; };
            }
            """;

    private BgpTopology topology;
    private Bird bird;
    private VippyWithBfd vippy;
    private BgpSpeaker speaker;

    BgpTopology createTopology() {
        return BgpTopology.create("vbfd");
    }

    String birdConfig() {
        return BIRD_TOR;
    }

    BgpNeighbor torNeighbor() {
        return BfdTestSupport.neighbor(TOR_IPV4, Optional.empty(), 0);
    }

    @BeforeEach
    void setUp() {
        RootOnly.assumeRoot();
        RootOnly.requireTool("bird");
        RootOnly.requireTool("birdc");
        topology = createTopology();
    }

    @AfterEach
    void tearDown() {
        if (vippy != null) {
            vippy.close();
        }
        if (bird != null) {
            bird.close();
        }
        if (topology != null) {
            topology.close();
        }
    }

    @Test
    void upOnBothSidesAndEitherSilenceTearsBgpDown() {
        bird = new Bird(topology, topology.tor, "bird", birdConfig());
        vippy = new VippyWithBfd(topology.lbnode, torNeighbor());
        speaker = vippy.speaker;
        BfdTestSupport.awaitStablyUp(vippy, Duration.ofSeconds(30), () -> birdBfdUp() && bird.isEstablished("lb"));
        String sessions = bird.birdc("show bfd sessions");
        assertTrue(sessions.contains("0.300") && sessions.contains("0.900"), sessions); // interval and timeout

        BfdTestSupport.dropOutgoingBfd(topology.tor);
        Awaitility.await("BFD down at Vippy, BGP torn down").atMost(BfdFrrInteropTest.DETECTION_BOUND).pollInterval(Duration.ofMillis(10))
                .until(() -> !"UP".equals(peer(speaker).bfd()) && String.valueOf(peer(speaker).lastError()).contains("BFD"));
        BfdTestSupport.restoreOutgoingBfd(topology.tor);
        BfdTestSupport.awaitStablyUp(vippy, Duration.ofSeconds(30), () -> birdBfdUp() && bird.isEstablished("lb"));

        BfdTestSupport.dropOutgoingBfd(topology.lbnode);
        Awaitility.await("BIRD's BFD down and BGP dropped").atMost(BfdFrrInteropTest.DETECTION_BOUND).pollInterval(Duration.ofMillis(20))
                .until(() -> !birdBfdUp() && bird.birdc("show protocols all lb").contains("BFD session down"));
    }

    private boolean birdBfdUp() {
        return bird.birdc("show bfd sessions").contains(" Up ");
    }
}
