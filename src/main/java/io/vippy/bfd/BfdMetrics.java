package io.vippy.bfd;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vippy.bfd.codec.BfdDecodingException;
import io.vippy.bfd.codec.BfdState;
import io.vippy.bfd.session.BfdSession;
import io.vippy.bfd.session.BfdStateChange;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * BFD's meters: {@code vippy_bfd_session_up{peer}}, {@code vippy_bfd_state_transitions_total{peer,to}} and
 * {@code vippy_bfd_packets_dropped_total{reason}}. Labels are peers and a closed set of reasons: bounded.
 */
final class BfdMetrics {
    /** Drop reasons besides the decoder's: TTL (GTSM), authentication, no session for the packet. */
    static final String TTL = "ttl";
    static final String AUTH = "auth";
    static final String SESSION = "session";
    /** Every reason a packet is dropped for: the decoder's, then ours. */
    static final List<String> DROP_REASONS = Stream.concat(
            Stream.of(BfdDecodingException.Reason.values()).map(BfdDecodingException.Reason::label),
            Stream.of(TTL, AUTH, SESSION)).toList();

    private final MeterRegistry registry;
    private final Set<Meter> registered = new LinkedHashSet<>();

    BfdMetrics(MeterRegistry registry) {
        this.registry = registry;
        DROP_REASONS.forEach(this::droppedCounter);
    }

    private synchronized Counter droppedCounter(String reason) {
        Counter counter = Counter.builder("vippy.bfd.packets.dropped").description("BFD packets dropped, by reason")
                .tag("reason", reason).register(registry);
        registered.add(counter);
        return counter;
    }

    void dropped(String reason) {
        droppedCounter(reason).increment();
    }

    /** What was dropped for this reason so far (tests, benchmarks). */
    double droppedCount(String reason) {
        return droppedCounter(reason).count();
    }

    synchronized void sessionAdded(BfdSession session) {
        registered.add(Gauge.builder("vippy.bfd.session.up", session, s -> s.status().state() == BfdState.UP ? 1 : 0)
                .description("1 while the BFD session is Up").tag("peer", session.peerName()).register(registry));
    }

    synchronized void transition(BfdSession session, BfdStateChange change) {
        Counter counter = Counter.builder("vippy.bfd.state.transitions").description("BFD session state changes")
                .tags("peer", session.peerName(), "to", change.to().name().toLowerCase(Locale.ROOT)).register(registry);
        registered.add(counter);
        counter.increment();
    }

    /** At shutdown: a registry that outlives the service must not read stale sessions. */
    synchronized void removeAll() {
        registered.forEach(registry::remove);
        registered.clear();
    }
}
