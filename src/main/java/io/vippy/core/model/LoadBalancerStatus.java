package io.vippy.core.model;

/** Where a load balancer stands in its life cycle. */
public enum LoadBalancerStatus {
    /** Recorded; the reconciler is still bringing it up (or retrying a transient failure). */
    PENDING,
    /** Address bound, dataplane programmed, route announced. */
    ACTIVE,
    /** Up, but no backend is healthy. */
    DEGRADED,
    /** A step failed in a way retrying cannot fix; {@code message} says why. */
    FAILED,
    /** Being torn down. */
    DELETING
}
