package io.vippy.address.metal;

/** What to do with a reservation of ours whose load balancer no longer exists. */
public enum OrphanPolicy {
    /** Delete it (the default): nothing leaks. */
    RELEASE,
    /** Only log it, for operators who want to look first. */
    REPORT
}
