package io.vippy.bfd.codec;

import static io.vippy.bfd.codec.BfdConstants.*;

import io.netty.buffer.ByteBuf;

/** Writes BFD Control packets without an authentication section. Stateless: one instance serves every session. */
public final class BfdPacketEncoder {
    public static final BfdPacketEncoder INSTANCE = new BfdPacketEncoder();

    private BfdPacketEncoder() {
    }

    /** Appends the 24-byte packet to {@code out}. */
    public void encode(BfdControlPacket packet, ByteBuf out) {
        if (packet.authenticationPresent() || packet.diagnostic() == BfdDiagnostic.UNASSIGNED) {
            throw new IllegalArgumentException("cannot send " + packet + ": no authentication, known diagnostics only");
        }
        out.writeByte(VERSION << 5 | packet.diagnostic().wireValue());
        out.writeByte(packet.state().wireValue() << 6 | flags(packet));
        out.writeByte(packet.detectMultiplier());
        out.writeByte(MANDATORY_LENGTH);
        out.writeInt((int) packet.myDiscriminator());
        out.writeInt((int) packet.yourDiscriminator());
        out.writeInt((int) packet.desiredMinTxMicros());
        out.writeInt((int) packet.requiredMinRxMicros());
        out.writeInt((int) packet.requiredMinEchoRxMicros());
    }

    private static int flags(BfdControlPacket packet) {
        return (packet.poll() ? POLL : 0) | (packet.fin() ? FINAL : 0)
                | (packet.controlPlaneIndependent() ? CONTROL_PLANE_INDEPENDENT : 0) | (packet.demand() ? DEMAND : 0);
    }
}
