package io.vippy.bfd;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vippy.bfd.session.BfdTimers;
import io.vippy.bgp.BgpSpeaker;
import io.vippy.bgp.session.BgpSessionOptions;
import io.vippy.core.BgpNeighbor;
import io.vippy.netlink.NetworkNamespace;
import io.vippy.testing.TestNamespace;
import java.time.Duration;
import java.util.List;

/** Vippy's side of the interop tests: the BGP speaker with BFD at 300 ms x 3 beside it, in {@code namespace}. */
final class VippyWithBfd implements AutoCloseable {
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final BfdDetector detector;
    final BgpSpeaker speaker;

    VippyWithBfd(TestNamespace namespace, BgpNeighbor... neighbors) {
        NetworkNamespace inside = NetworkNamespace.named(namespace.name());
        detector = new BfdDetector(new BfdTimers(Duration.ofMillis(300), 3), inside, registry);
        speaker = new BgpSpeaker(BgpSessionOptions.DEFAULTS, inside, detector);
        speaker.start(List.of(neighbors));
    }

    @Override
    public void close() {
        speaker.shutdown(Duration.ofSeconds(2));
        detector.shutdown();
    }
}
