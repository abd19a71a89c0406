package io.vippy.bfd.session;

import io.vippy.bfd.codec.BfdControlPacket;

/** Where a session's packets go: a UDP socket to the peer ({@link BfdTransmitter}), or another session in tests. */
@FunctionalInterface
public interface BfdPacketSink {
    void send(BfdControlPacket packet);
}
