package io.vippy.netlink;

import static io.vippy.testing.HexFixture.bytes;
import static io.vippy.testing.HexFixture.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class NetlinkMessageBuilderTest {

    @Test
    void attributesArePaddedAndNestedLengthsCoverTheirChildren() {
        NetlinkMessageBuilder builder = new NetlinkMessageBuilder(0x22, 0)
                .put8(1).put8(1).put16(0);
        int nest = builder.beginNested(1);
        builder.attribute16(1, 2)
                .attributeString(6, "rr")
                .attribute16BigEndian(4, 80)
                .endNested(nest)
                .attribute8(9, 0xAB)
                .attribute32(8, 0x01020304);
        assertEquals(hex(bytes("""
                40 00 00 00   # nlmsg_len 64
                22 00         # nlmsg_type 0x22
                01 03         # nlmsg_flags REQUEST|DUMP (0x301)
                09 00 00 00   # nlmsg_seq 9
                00 00 00 00   # nlmsg_pid 0
                01 01 00 00   # family header written raw: cmd 1, version 1, reserved
                1c 00 01 80   # nlattr len 28, type 1 | NESTED
                06 00 01 00   #   nlattr len 6, type 1
                02 00 00 00   #     u16 2, 2 bytes padding
                07 00 06 00   #   nlattr len 7, type 6
                72 72 00 00   #     "rr" NUL, 1 byte padding
                06 00 04 00   #   nlattr len 6, type 4
                00 50 00 00   #     u16 80 in network order, padding
                05 00 09 00   # nlattr len 5, type 9
                ab 00 00 00   #   u8 0xab, 3 bytes padding
                08 00 08 00   # nlattr len 8, type 8
                04 03 02 01   #   u32 0x01020304
                """)), hex(builder.encode(9, NetlinkConstants.NLM_F_REQUEST | NetlinkConstants.NLM_F_DUMP)));
    }

    @Test
    void growsBeyondItsFirstBuffer() {
        NetlinkMessageBuilder builder = new NetlinkMessageBuilder(0x10, 0);
        for (int i = 0; i < 100; i++) {
            builder.attribute32(i, i);
        }
        byte[] encoded = builder.encode(1, 0);
        assertEquals(16 + 100 * 8, encoded.length);
        NetlinkMessage decoded = NetlinkMessageDecoder.decode(java.nio.ByteBuffer.wrap(encoded)).get(0);
        assertEquals(99, decoded.attributes(0).u32(99));
    }
}
