package io.vippy.bgp.codec;

import static io.vippy.bgp.codec.BgpFixtures.MARKER;
import static io.vippy.bgp.codec.BgpFixtures.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Broken input: each case must end in the NOTIFICATION code/subcode RFC 4271 §6 names, nothing else. */
class BgpDecoderErrorTest {
    private EmbeddedChannel channel = newChannel();

    private static EmbeddedChannel newChannel() {
        BgpMessageDecoder decoder = new BgpMessageDecoder();
        decoder.fourOctetAs(true);
        return new EmbeddedChannel(new BgpFrameDecoder(), decoder);
    }

    private BgpNotificationException reject(String fixture) {
        return reject(bytes(fixture));
    }

    private BgpNotificationException reject(byte[] bytes) {
        channel = newChannel();
        return assertThrows(BgpNotificationException.class, () -> channel.writeInbound(Unpooled.wrappedBuffer(bytes)));
    }

    private static void assertCode(int code, int subcode, BgpNotificationException error) {
        assertEquals(code + "/" + subcode, error.code() + "/" + error.subcode(), error.getMessage());
    }

    @Test
    void truncatedMessageWaitsForTheRest() {
        byte[] whole = bytes(BgpMessageCodecTest.IPV4_ANNOUNCE);
        for (int cut = 0; cut < whole.length; cut++) {
            EmbeddedChannel fresh = newChannel();
            fresh.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOf(whole, cut)));
            assertNull(fresh.readInbound(), "nothing decoded from " + cut + " of " + whole.length + " bytes");
            fresh.writeInbound(Unpooled.wrappedBuffer(whole, cut, whole.length - cut));
            assertTrue(fresh.readInbound() instanceof BgpUpdateMessage);
        }
    }

    @Test
    void badMarker() {
        assertCode(1, 1, reject("ffffffffffffffffffffffffffffff7f 0013 04"));
    }

    @Test
    void lengthBelowHeader() {
        BgpNotificationException error = reject(MARKER + "0012 04");
        assertCode(1, 2, error);
        assertArrayEquals(new byte[] {0x00, 0x12}, error.toMessage().dataBytes());
    }

    @Test
    void lengthAboveMaximum() {
        assertCode(1, 2, reject(MARKER + "1001 02"));
    }

    @Test
    void keepaliveWithABody() {
        assertCode(1, 2, reject(MARKER + "0014 04 00"));
    }

    @Test
    void unknownType() {
        BgpNotificationException error = reject(MARKER + "0013 07");
        assertCode(1, 3, error);
        assertArrayEquals(new byte[] {7}, error.toMessage().dataBytes());
    }

    @Test
    void openWithVersion3() {
        assertCode(2, 1, reject(BgpMessageCodecTest.METALLB_OPEN.replace("04                   # version 4", "03")));
    }

    @Test
    void openWithHoldTime2() {
        assertCode(2, 6, reject(BgpMessageCodecTest.METALLB_OPEN.replace("005a", "0002")));
    }

    @Test
    void openWithZeroIdentifier() {
        assertCode(2, 3, reject(BgpMessageCodecTest.METALLB_OPEN.replace("b9ecf027", "00000000")));
    }

    @Test
    void openWithUnsupportedOptionalParameter() {
        assertCode(2, 4, reject(BgpMessageCodecTest.METALLB_OPEN.replace("02 12  ", "01 12  ")));
    }

    @Test
    void openCapabilityOverrunningItsParameter() {
        assertCode(2, 0, reject(BgpMessageCodecTest.METALLB_OPEN.replace("41 04 0000fdea", "41 05 0000fdea")));
    }

    @Test
    void updateWithInvalidOrigin() {
        assertCode(3, 6, reject(BgpMessageCodecTest.IPV4_ANNOUNCE.replace("40 01 01 00", "40 01 01 03")));
    }

    @Test
    void updateWithOptionalFlagOnOrigin() {
        assertCode(3, 4, reject(BgpMessageCodecTest.IPV4_ANNOUNCE.replace("40 01 01 00", "c0 01 01 00")));
    }

    @Test
    void updateWithoutNextHop() {
        BgpNotificationException error = reject(MARKER + """
                0029                 # length 41
                02                   # type UPDATE
                0000                 # withdrawn routes length
                000d                 # path attributes length 13
                40 01 01 00          # ORIGIN IGP
                40 02 06 02 01 0000fde8  # AS_PATH 65000
                20 cb00710a          # NLRI 203.0.113.10/32
                """);
        assertCode(3, 3, error);
        assertArrayEquals(new byte[] {3}, error.toMessage().dataBytes());
    }

    @Test
    void updateWithNextHopOfFiveBytes() {
        assertCode(3, 5, reject(BgpMessageCodecTest.IPV4_ANNOUNCE.replace("40 03 04 c0a86402", "40 03 05 c0a86402")));
    }

    @Test
    void updateWithAsPathSegmentOverrun() {
        assertCode(3, 11, reject(BgpMessageCodecTest.IPV4_ANNOUNCE.replace("02 01 0000fde8", "02 02 0000fde8")));
    }

    @Test
    void updateWithPrefixLongerThan32Bits() {
        assertCode(3, 10, reject(BgpMessageCodecTest.IPV4_ANNOUNCE.replace("20 cb00710a", "21 cb00710a")));
    }

    @Test
    void updateWithWithdrawnLengthOverrun() {
        assertCode(3, 1, reject(BgpMessageCodecTest.IPV4_WITHDRAW.replace("0005 ", "0007 ")));
    }

    @Test
    void updateWithUnknownWellKnownAttribute() {
        assertCode(3, 2, reject(BgpMessageCodecTest.IPV4_ANNOUNCE.replace("40 03 04 c0a86402", "40 63 04 c0a86402")));
    }

    @Test
    void everySingleBitFlipIsDecodedOrRejectedWithANotification() {
        for (String fixture : new String[] {BgpMessageCodecTest.METALLB_OPEN, BgpMessageCodecTest.IPV4_ANNOUNCE,
                BgpMessageCodecTest.IPV4_WITHDRAW}) {
            byte[] original = bytes(fixture);
            int rejected = 0;
            for (int bit = 0; bit < original.length * 8; bit++) {
                byte[] flipped = original.clone();
                flipped[bit / 8] ^= (byte) (1 << (bit % 8));
                EmbeddedChannel fresh = newChannel();
                try {
                    fresh.writeInbound(Unpooled.wrappedBuffer(flipped));
                } catch (BgpNotificationException expected) {
                    rejected++;
                    assertTrue(expected.code() >= 1 && expected.code() <= 3, expected.getMessage());
                }
                fresh.finishAndReleaseAll();
            }
            // Every marker bit and the type's high bits at least must be caught.
            assertTrue(rejected >= 16 * 8, "only " + rejected + " flips rejected");
        }
    }

    @Test
    void unexpectedExceptionsNeverLeakFromGarbage() {
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 2000; i++) {
            byte[] body = new byte[random.nextInt(60)];
            random.nextBytes(body);
            byte[] message = new byte[19 + body.length];
            Arrays.fill(message, 0, 16, (byte) 0xff);
            message[16] = (byte) (message.length >> 8);
            message[17] = (byte) message.length;
            message[18] = (byte) (1 + random.nextInt(5));
            System.arraycopy(body, 0, message, 19, body.length);
            EmbeddedChannel fresh = newChannel();
            try {
                fresh.writeInbound(Unpooled.wrappedBuffer(message));
            } catch (BgpNotificationException expected) {
                assertTrue(expected.code() >= 1 && expected.code() <= 3, expected.getMessage());
            }
            fresh.finishAndReleaseAll();
        }
    }
}
