package io.vippy.dataplane.nftables;

import io.vippy.core.RealServer;
import io.vippy.core.model.Addresses;
import java.net.InetAddress;

/** Where a slot sends connections: a backend's address and port, without its weight. */
record BackendAddress(InetAddress address, int port) {

    static BackendAddress of(RealServer real) {
        return new BackendAddress(real.address(), real.port());
    }

    /** {@code 10.0.0.1:80} or {@code [2001:db8::1]:80}; also Maglev's stable name for the backend. */
    @Override
    public String toString() {
        return Addresses.endpoint(address, port);
    }
}
