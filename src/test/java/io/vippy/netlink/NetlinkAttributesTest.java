package io.vippy.netlink;

import static io.vippy.testing.HexFixture.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class NetlinkAttributesTest {
    private static final byte[] ATTRIBUTES = bytes("""
            08 00 01 00               # nlattr len 8, type 1
            2a 00 00 00               #   u32 42
            09 00 02 00               # nlattr len 9, type 2
            49 50 56 53 00 00 00 00   #   "IPVS" NUL, 3 bytes padding
            18 00 03 80               # nlattr len 24, type 3 | NESTED
            06 00 01 00               #   nlattr len 6, type 1
            1f 90 00 00               #     u16 0x1f90 in network order (8080), padding
            0c 00 02 00               #   nlattr len 12, type 2
            00 01 00 00 00 00 00 00   #     u64 256
            06 00 04 40               # nlattr len 6, type 4 | NET_BYTEORDER
            10 00 00 00               #   u16 16, padding
            """);

    @Test
    void decodesScalarsStringsAndNestsWithFlagBitsMasked() {
        NetlinkAttributes attributes = NetlinkAttributes.decode(ByteBuffer.wrap(ATTRIBUTES));
        assertEquals(42, attributes.u32(1));
        assertEquals("IPVS", attributes.string(2));
        NetlinkAttributes nested = attributes.nested(3);
        assertEquals(8080, nested.u16BigEndian(1));
        assertEquals(256, nested.u64(2));
        assertEquals(256, nested.unsigned(2));
        assertEquals(16, attributes.u16(4));
        assertEquals(16, attributes.unsigned(4));
        assertFalse(attributes.has(5));
        assertThrows(NetlinkDecodingException.class, () -> attributes.u32(5));
    }

    @Test
    void rejectsTruncationInsideAnAttribute() {
        for (int length : new int[] {2, 6, 9, 15, 30, 48, 49}) {
            byte[] truncated = Arrays.copyOf(ATTRIBUTES, length);
            assertThrows(NetlinkDecodingException.class, () -> NetlinkAttributes.decode(ByteBuffer.wrap(truncated)),
                    "truncated to " + length);
        }
    }

    @Test
    void rejectsALengthShorterThanTheHeader() {
        byte[] garbage = ATTRIBUTES.clone();
        garbage[0] = 3;
        assertThrows(NetlinkDecodingException.class, () -> NetlinkAttributes.decode(ByteBuffer.wrap(garbage)));
    }

    @Test
    void rejectsAScalarThatIsTooShort() {
        NetlinkAttributes attributes = NetlinkAttributes.decode(ByteBuffer.wrap(ATTRIBUTES));
        assertThrows(NetlinkDecodingException.class, () -> attributes.u64(1));
    }

    @Test
    void everySingleBitFlipDecodesOrFailsCleanly() {
        for (int bit = 0; bit < ATTRIBUTES.length * 8; bit++) {
            byte[] flipped = ATTRIBUTES.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            try {
                NetlinkAttributes attributes = NetlinkAttributes.decode(ByteBuffer.wrap(flipped));
                if (attributes.has(3)) {
                    attributes.nested(3);
                }
            } catch (NetlinkDecodingException expected) {
                // a clean refusal is fine
            }
        }
    }
}
