package io.vippy.core.model;

/** How a load balancer picks a backend for a new connection. */
public enum Scheduler {
    /** Round robin. */
    RR,
    /** Weighted round robin. */
    WRR,
    /** Maglev consistent hash of the connection's addresses and ports. */
    MH,
    /** Least connections (IPVS only). */
    LC,
    /** Weighted least connections (IPVS only). */
    WLC,
    /** Source hash (IPVS only). */
    SH;

    public String wireName() {
        return WireNames.of(this);
    }

    public static Scheduler parse(String text) {
        return WireNames.parse(Scheduler.class, text, "scheduler");
    }
}
