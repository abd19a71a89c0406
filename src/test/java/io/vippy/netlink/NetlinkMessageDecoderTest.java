package io.vippy.netlink;

import static io.vippy.testing.HexFixture.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetlinkMessageDecoderTest {
    /** A dump batch: one 1-byte-payload message (padded to 4) and NLMSG_DONE. */
    private static final byte[] TWO_MESSAGES = bytes("""
            11 00 00 00   # nlmsg_len 17
            1c 00         # nlmsg_type 0x1c
            02 00         # nlmsg_flags MULTI
            05 00 00 00   # nlmsg_seq 5
            39 30 00 00   # nlmsg_pid 12345
            7f 00 00 00   # payload 0x7f, 3 bytes padding
            14 00 00 00   # nlmsg_len 20
            03 00         # nlmsg_type NLMSG_DONE
            02 00         # nlmsg_flags MULTI
            05 00 00 00   # nlmsg_seq 5
            39 30 00 00   # nlmsg_pid 12345
            00 00 00 00   # int 0
            """);

    @Test
    void splitsADatagramIntoMessages() {
        List<NetlinkMessage> messages = NetlinkMessageDecoder.decode(ByteBuffer.wrap(TWO_MESSAGES));
        assertEquals(2, messages.size());
        NetlinkMessage first = messages.get(0);
        assertEquals(0x1c, first.type());
        assertEquals(NetlinkConstants.NLM_F_MULTI, first.flags());
        assertEquals(5, first.sequence());
        assertEquals(12345, first.portId());
        assertArrayEquals(new byte[] {0x7f}, first.payload());
        assertEquals(NetlinkConstants.NLMSG_DONE, messages.get(1).type());
        assertArrayEquals(new byte[4], messages.get(1).payload());
    }

    @Test
    void rejectsEveryTruncation() {
        for (int length = 1; length < TWO_MESSAGES.length; length++) {
            if (length >= 17 && length <= 20) {
                continue; // the first message, with or without its padding: a complete datagram
            }
            byte[] truncated = Arrays.copyOf(TWO_MESSAGES, length);
            assertThrows(NetlinkDecodingException.class, () -> NetlinkMessageDecoder.decode(ByteBuffer.wrap(truncated)),
                    "truncated to " + length);
        }
    }

    @Test
    void rejectsALengthSmallerThanTheHeader() {
        byte[] garbage = TWO_MESSAGES.clone();
        garbage[0] = 0x0f;
        assertThrows(NetlinkDecodingException.class, () -> NetlinkMessageDecoder.decode(ByteBuffer.wrap(garbage)));
    }

    @Test
    void rejectsALengthBeyondTheDatagram() {
        byte[] garbage = TWO_MESSAGES.clone();
        garbage[21] = 0x10; // second length 0x1014
        assertThrows(NetlinkDecodingException.class, () -> NetlinkMessageDecoder.decode(ByteBuffer.wrap(garbage)));
    }

    @Test
    void everySingleBitFlipDecodesOrFailsCleanly() {
        for (int bit = 0; bit < TWO_MESSAGES.length * 8; bit++) {
            byte[] flipped = TWO_MESSAGES.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            try {
                NetlinkMessageDecoder.decode(ByteBuffer.wrap(flipped));
            } catch (NetlinkDecodingException expected) {
                // a clean refusal is fine; anything else (index errors, negative sizes) is a bug
            }
        }
    }
}
