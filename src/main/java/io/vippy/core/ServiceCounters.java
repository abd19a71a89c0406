package io.vippy.core;

import java.util.Map;

/** Kernel traffic counters of one service, in total and per real server. */
public record ServiceCounters(ServiceKey key, Traffic total, Map<RealServer, Traffic> perReal) {

    /** Connections, packets and bytes in both directions, where the dataplane counts them. */
    public record Traffic(long connections, long packets, long bytes) {
    }
}
