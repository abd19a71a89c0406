package io.vippy.core;

import io.vippy.core.model.Addresses;
import io.vippy.core.model.Protocol;
import java.net.InetAddress;

/** What identifies a virtual service in the kernel: address, protocol and port. */
public record ServiceKey(InetAddress address, Protocol protocol, int port) {

    @Override
    public String toString() {
        return protocol.wireName() + " " + Addresses.endpoint(address, port);
    }
}
