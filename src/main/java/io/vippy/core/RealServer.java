package io.vippy.core;

import io.vippy.core.model.Addresses;
import java.net.InetAddress;

/** A backend as the dataplane sees it. Weight 0 takes no new connections but keeps established ones. */
public record RealServer(InetAddress address, int port, int weight) {

    @Override
    public String toString() {
        return Addresses.endpoint(address, port) + " weight " + weight;
    }
}
