package io.vippy.core;

/**
 * One node as it registered itself: whether its registration is alive, whether it leads, how many load balancers
 * its kernel serves and how many of its BGP sessions are established.
 */
public record NodeStatus(String name, String address, String version, boolean alive, boolean leader,
        int loadBalancers, int bgpSessionsUp) {
}
