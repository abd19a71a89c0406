package io.vippy.netlink;

import static io.vippy.testing.HexFixture.bytes;
import static io.vippy.testing.HexFixture.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vippy.testing.RootOnly;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class GenericNetlinkTest {

    @Test
    void familyRequest() {
        assertEquals(hex(bytes("""
                20 00 00 00   # nlmsg_len 32
                10 00         # nlmsg_type GENL_ID_CTRL
                05 00         # nlmsg_flags REQUEST|ACK
                02 00 00 00   # nlmsg_seq 2
                00 00 00 00   # nlmsg_pid
                03            # genl cmd CTRL_CMD_GETFAMILY
                01            # genl version 1
                00 00         # reserved
                09 00 02 00   # nlattr len 9, CTRL_ATTR_FAMILY_NAME
                49 50 56 53   #   "IPVS"
                00 00 00 00   #   NUL, 3 bytes padding
                """)), hex(GenericNetlink.familyRequest("IPVS").encode(2, 5)));
    }

    @Test
    void decodesCommandAndAttributes() {
        NetlinkMessage reply = NetlinkMessageDecoder.decode(ByteBuffer.wrap(bytes("""
                1c 00 00 00   # nlmsg_len 28
                10 00         # nlmsg_type GENL_ID_CTRL
                00 00         # nlmsg_flags
                02 00 00 00   # nlmsg_seq 2
                39 30 00 00   # nlmsg_pid
                01            # genl cmd CTRL_CMD_NEWFAMILY
                02            # genl version 2
                00 00         # reserved
                06 00 01 00   # nlattr len 6, CTRL_ATTR_FAMILY_ID
                23 00 00 00   #   u16 0x23, padding
                """))).get(0);
        assertEquals(1, GenericNetlink.command(reply));
        assertEquals(0x23, GenericNetlink.attributes(reply).u16(GenericNetlink.CTRL_ATTR_FAMILY_ID));
        assertThrows(NetlinkDecodingException.class,
                () -> GenericNetlink.command(new NetlinkMessage(0x10, 0, 1, 0, new byte[3])));
    }

    @Test
    void resolvesARealFamilyAndReportsAMissingOneAsNotFound() {
        RootOnly.assumeRoot();
        try (NetlinkSocket socket = NetlinkSocket.open(NetlinkSocket.NETLINK_GENERIC)) {
            assertTrue(GenericNetlink.resolveFamily(socket, "nlctrl") == GenericNetlink.CONTROLLER_ID);
            NativeException missing = assertThrows(NativeException.class,
                    () -> GenericNetlink.resolveFamily(socket, "NO_SUCH_FAMILY"));
            assertTrue(missing.isNotFound(), missing.getMessage());
        }
    }
}
