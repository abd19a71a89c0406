package io.vippy.bfd.codec;

import static io.vippy.testing.HexFixture.bytes;
import static io.vippy.testing.HexFixture.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Byte-level fixtures for BFD Control packets, both directions, and every way a packet must be refused. */
class BfdPacketCodecTest {
    /** What Vippy sends while Down: slow transmission (1 s), 300 ms receive, multiplier 3. */
    static final String DOWN_SLOW = """
            20          # version 1, diag 0 (none)
            40          # state Down, no flags
            03          # detect multiplier 3
            18          # length 24
            0000abcd    # my discriminator 43981
            00000000    # your discriminator 0 (not learnt yet)
            000f4240    # desired min TX 1,000,000 us
            000493e0    # required min RX 300,000 us
            00000000    # required min echo RX 0 (no echo)
            """;
    /** An Up packet starting a poll sequence, after a detection-time expiry was recovered from. */
    static final String UP_POLL = """
            21          # version 1, diag 1 (control detection time expired)
            e0          # state Up, poll
            03          # detect multiplier 3
            18          # length 24
            0000abcd    # my discriminator 43981
            80000001    # your discriminator 2147483649 (high bit: unsigned)
            000493e0    # desired min TX 300,000 us
            000493e0    # required min RX 300,000 us
            00000000    # required min echo RX 0
            """;
    /** A final answering a poll, in state Init. */
    static final String INIT_FINAL = """
            23          # version 1, diag 3 (neighbor signaled session down)
            90          # state Init, final
            05          # detect multiplier 5
            18          # length 24
            00000001    # my discriminator 1
            0000abcd    # your discriminator 43981
            000186a0    # desired min TX 100,000 us
            000186a0    # required min RX 100,000 us
            00000032    # required min echo RX 50 us
            """;

    private static BfdControlPacket decode(String fixture) {
        return decode(bytes(fixture));
    }

    private static BfdControlPacket decode(byte[] datagram) {
        return BfdPacketDecoder.INSTANCE.decode(Unpooled.wrappedBuffer(datagram));
    }

    private static String encode(BfdControlPacket packet) {
        ByteBuf out = Unpooled.buffer();
        BfdPacketEncoder.INSTANCE.encode(packet, out);
        byte[] written = new byte[out.readableBytes()];
        out.readBytes(written);
        return hex(written);
    }

    private static void assertBothWays(String fixture, BfdControlPacket expected) {
        assertEquals(expected, decode(fixture));
        assertEquals(hex(bytes(fixture)), encode(expected));
    }

    private static BfdDecodingException.Reason reject(byte[] datagram) {
        return assertThrows(BfdDecodingException.class, () -> decode(datagram), () -> hex(datagram)).reason();
    }

    private static BfdDecodingException.Reason reject(String fixture) {
        return reject(bytes(fixture));
    }

    @Test
    void downWithSlowTransmission() {
        assertBothWays(DOWN_SLOW, BfdControlPacket.of(BfdState.DOWN, BfdDiagnostic.NONE, false, false, 3, 0xabcd, 0,
                1_000_000, 300_000));
    }

    @Test
    void upWithPollAndUnsignedDiscriminator() {
        assertBothWays(UP_POLL, BfdControlPacket.of(BfdState.UP, BfdDiagnostic.CONTROL_DETECTION_TIME_EXPIRED, true,
                false, 3, 0xabcd, 0x8000_0001L, 300_000, 300_000));
    }

    @Test
    void initWithFinalAndEcho() {
        assertBothWays(INIT_FINAL, new BfdControlPacket(BfdDiagnostic.NEIGHBOR_SIGNALED_SESSION_DOWN, BfdState.INIT,
                false, true, false, false, false, 5, 1, 0xabcd, 100_000, 100_000, 50));
    }

    @Test
    void adminDownWithControlPlaneIndependentAndDemandBitsDecodes() {
        BfdControlPacket packet = decode("""
                27          # version 1, diag 7 (administratively down)
                0a          # state AdminDown, C and D bits
                01          # detect multiplier 1
                18          # length 24
                00000002    # my discriminator 2
                00000000    # your discriminator 0 (allowed in AdminDown)
                00000000    # desired min TX 0
                00000000    # required min RX 0: do not send to me
                00000000    # required min echo RX 0
                """);
        assertEquals(BfdState.ADMIN_DOWN, packet.state());
        assertEquals(BfdDiagnostic.ADMINISTRATIVELY_DOWN, packet.diagnostic());
        assertEquals(true, packet.controlPlaneIndependent());
        assertEquals(true, packet.demand());
    }

    @Test
    void authenticatedPacketDecodesWithTheBitSoTheSessionCanDropIt() {
        BfdControlPacket packet = decode(DOWN_SLOW.replace("40          # state Down, no flags", "44  # state Down, A")
                .replace("18          # length 24", "21  # length 33") + """
                01          # auth type 1 (simple password)
                09          # auth length 9
                01          # key id 1
                736563726574 # password "secret"
                """);
        assertEquals(true, packet.authenticationPresent());
    }

    @Test
    void unassignedDiagnosticIsKept() {
        assertEquals(BfdDiagnostic.UNASSIGNED, decode(DOWN_SLOW.replace("20          #", "3f  #")).diagnostic());
    }

    @Test
    void bytesAfterTheLengthAreIgnored() {
        assertEquals(decode(DOWN_SLOW), decode(DOWN_SLOW + "00 00 00 00  # padding"));
    }

    @Test
    void badVersion() {
        assertEquals(BfdDecodingException.Reason.VERSION, reject(DOWN_SLOW.replace("20          #", "40  # version 2,")));
        assertEquals(BfdDecodingException.Reason.VERSION, reject(DOWN_SLOW.replace("20          #", "00  # version 0,")));
    }

    @Test
    void everyTruncationIsALengthError() {
        byte[] whole = bytes(DOWN_SLOW);
        for (int cut = 1; cut < whole.length; cut++) {
            assertEquals(BfdDecodingException.Reason.LENGTH, reject(Arrays.copyOf(whole, cut)));
        }
        assertEquals(BfdDecodingException.Reason.LENGTH, reject(new byte[0]));
    }

    @Test
    void oversizedDatagram() {
        assertEquals(BfdDecodingException.Reason.LENGTH, reject(Arrays.copyOf(bytes(DOWN_SLOW), 256)));
        BfdPacketDecoder strict = new BfdPacketDecoder(24);
        assertThrows(BfdDecodingException.class, () -> strict.decode(Unpooled.wrappedBuffer(Arrays.copyOf(bytes(DOWN_SLOW), 25))));
    }

    @Test
    void lengthFieldBelowMinimumOrBeyondTheDatagram() {
        assertEquals(BfdDecodingException.Reason.LENGTH, reject(DOWN_SLOW.replace("18          #", "17  # length 23,")));
        assertEquals(BfdDecodingException.Reason.LENGTH, reject(DOWN_SLOW.replace("18          #", "19  # length 25,")));
        // The A bit needs room for the authentication type and length.
        assertEquals(BfdDecodingException.Reason.LENGTH, reject(DOWN_SLOW.replace("40          #", "44  # A bit,")));
    }

    @Test
    void multiplierZero() {
        assertEquals(BfdDecodingException.Reason.MULTIPLIER, reject(DOWN_SLOW.replace("03          #", "00  # multiplier 0,")));
    }

    @Test
    void multipointBit() {
        assertEquals(BfdDecodingException.Reason.MULTIPOINT, reject(DOWN_SLOW.replace("40          #", "41  # M bit,")));
    }

    @Test
    void zeroDiscriminators() {
        assertEquals(BfdDecodingException.Reason.DISCRIMINATOR, reject(DOWN_SLOW.replace("0000abcd    #", "00000000  #")));
        assertEquals(BfdDecodingException.Reason.DISCRIMINATOR, reject(UP_POLL.replace("80000001    #", "00000000  #")));
        assertEquals(BfdDecodingException.Reason.DISCRIMINATOR, reject(INIT_FINAL.replace("0000abcd    #", "00000000  #")));
    }

    /** Every single-bit flip either decodes to a different packet or is refused with a reason; nothing else. */
    @Test
    void bitFlips() {
        byte[] original = bytes(UP_POLL);
        BfdControlPacket decoded = decode(original);
        for (int bit = 0; bit < original.length * 8; bit++) {
            byte[] flipped = original.clone();
            flipped[bit / 8] ^= (byte) (0x80 >> (bit % 8));
            try {
                BfdControlPacket packet = decode(flipped);
                assertEquals(hex(flipped), encodeOrRaw(packet, flipped), "bit " + bit + " decodes to what it says");
                assertEquals(false, packet.equals(decoded), "bit " + bit);
            } catch (BfdDecodingException refused) {
                assertEquals(true, refused.reason() != null);
            }
        }
    }

    /** The encoding, or the raw bytes when the packet is one Vippy never sends (unassigned diagnostic). */
    private static String encodeOrRaw(BfdControlPacket packet, byte[] raw) {
        return packet.diagnostic() == BfdDiagnostic.UNASSIGNED ? hex(raw) : encode(packet);
    }

    @Test
    void encoderRefusesWhatItCannotSend() {
        BfdControlPacket authenticated = new BfdControlPacket(BfdDiagnostic.NONE, BfdState.DOWN, false, false, false,
                true, false, 3, 1, 0, 1_000_000, 300_000, 0);
        assertThrows(IllegalArgumentException.class, () -> encode(authenticated));
        assertThrows(IllegalArgumentException.class, () -> BfdControlPacket.of(BfdState.UP, BfdDiagnostic.NONE,
                false, false, 0, 1, 1, 1, 1));
    }
}
