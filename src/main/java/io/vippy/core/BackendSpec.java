package io.vippy.core;

import java.net.InetAddress;

/** What a caller asks for when adding a backend. */
public record BackendSpec(InetAddress ip, int port, int weight) {

    public static final int DEFAULT_WEIGHT = 1;
}
