package io.vippy.bfd.codec;

import static io.vippy.bfd.codec.BfdConstants.*;

import io.netty.buffer.ByteBuf;
import io.vippy.bfd.codec.BfdDecodingException.Reason;

/**
 * Reads one datagram as a BFD Control packet, applying the checks of RFC 5880 §6.8.6 that need no session
 * (version, length, multiplier, multipoint, discriminators). Stateless; the datagram size limit is a parameter.
 */
public final class BfdPacketDecoder {
    /** The largest datagram accepted: what the one-byte Length field can describe. */
    public static final int DEFAULT_MAX_DATAGRAM = MAX_LENGTH;
    public static final BfdPacketDecoder INSTANCE = new BfdPacketDecoder(DEFAULT_MAX_DATAGRAM);

    private final int maxDatagram;

    public BfdPacketDecoder(int maxDatagram) {
        if (maxDatagram < MANDATORY_LENGTH) {
            throw new IllegalArgumentException("a datagram limit under " + MANDATORY_LENGTH + " bytes accepts nothing");
        }
        this.maxDatagram = maxDatagram;
    }

    /** Decodes the readable bytes of {@code datagram} (one whole UDP payload) without moving its reader index. */
    public BfdControlPacket decode(ByteBuf datagram) {
        int size = datagram.readableBytes();
        int at = datagram.readerIndex();
        if (size > 0 && (datagram.getUnsignedByte(at) >> 5) != VERSION) {
            throw new BfdDecodingException(Reason.VERSION, "version " + (datagram.getUnsignedByte(at) >> 5) + ", expected 1");
        }
        if (size < MANDATORY_LENGTH) {
            throw new BfdDecodingException(Reason.LENGTH, "truncated: " + size + " bytes, a packet has at least 24");
        }
        if (size > maxDatagram) {
            throw new BfdDecodingException(Reason.LENGTH, "oversized: " + size + " bytes, at most " + maxDatagram);
        }
        int flags = datagram.getUnsignedByte(at + 1);
        boolean authenticated = (flags & AUTHENTICATION_PRESENT) != 0;
        int length = datagram.getUnsignedByte(at + 3);
        int minimum = authenticated ? MIN_AUTHENTICATED_LENGTH : MANDATORY_LENGTH;
        if (length < minimum || length > size) {
            throw new BfdDecodingException(Reason.LENGTH, "Length field " + length + " outside " + minimum + ".." + size);
        }
        int multiplier = datagram.getUnsignedByte(at + 2);
        if (multiplier == 0) {
            throw new BfdDecodingException(Reason.MULTIPLIER, "detect multiplier 0");
        }
        if ((flags & MULTIPOINT) != 0) {
            throw new BfdDecodingException(Reason.MULTIPOINT, "multipoint bit set");
        }
        long myDiscriminator = datagram.getUnsignedInt(at + 4);
        long yourDiscriminator = datagram.getUnsignedInt(at + 8);
        BfdState state = BfdState.of(flags >> 6);
        if (myDiscriminator == 0) {
            throw new BfdDecodingException(Reason.DISCRIMINATOR, "my discriminator 0");
        }
        if (yourDiscriminator == 0 && state != BfdState.DOWN && state != BfdState.ADMIN_DOWN) {
            throw new BfdDecodingException(Reason.DISCRIMINATOR, "your discriminator 0 in state " + state);
        }
        return new BfdControlPacket(BfdDiagnostic.of(datagram.getUnsignedByte(at) & 0x1f), state,
                (flags & POLL) != 0, (flags & FINAL) != 0, (flags & CONTROL_PLANE_INDEPENDENT) != 0, authenticated,
                (flags & DEMAND) != 0, multiplier, myDiscriminator, yourDiscriminator, datagram.getUnsignedInt(at + 12),
                datagram.getUnsignedInt(at + 16), datagram.getUnsignedInt(at + 20));
    }
}
