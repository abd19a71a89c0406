package io.vippy.core.model;

import java.net.InetAddress;
import java.util.UUID;

/** One real server behind a load balancer. A weight of 0 drains it: no new connections. */
public record Backend(UUID uuid, InetAddress ip, int port, int weight, BackendHealth health) {

    public static final int MAX_WEIGHT = 65535;

    public Backend withWeight(int newWeight) {
        return new Backend(uuid, ip, port, newWeight, health);
    }

    public Backend withHealth(BackendHealth newHealth) {
        return new Backend(uuid, ip, port, weight, newHealth);
    }

    /** ip:port, with IPv6 in brackets. */
    public String endpoint() {
        return Addresses.endpoint(ip, port);
    }
}
