package io.vippy.core;

/**
 * One node as it registered itself: whether its registration is alive, whether it leads, how many load balancers
 * its kernel serves, how many of its BGP sessions are established, and whether it is drained (out of the traffic).
 */
public record NodeStatus(String name, String address, String version, boolean alive, boolean leader,
        int loadBalancers, int bgpSessionsUp, boolean drained) {
}
