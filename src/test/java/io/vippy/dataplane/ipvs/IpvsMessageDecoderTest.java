package io.vippy.dataplane.ipvs;

import static io.vippy.testing.HexFixture.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vippy.netlink.NetlinkDecodingException;
import io.vippy.netlink.NetlinkMessage;
import java.net.InetAddress;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Replies shaped as ip_vs_genl_fill_service / fill_dest write them (6.1): 16-byte addresses, stats. */
class IpvsMessageDecoderTest {
    /** The payload (genlmsghdr onwards) of one service in a dump reply. */
    private static final byte[] SERVICE = bytes("""
            01 01 00 00               # genl cmd NEW_SERVICE, version 1
            9c 00 01 00               # nlattr len 156, CMD_ATTR_SERVICE (kernel sets no NESTED flag)
            06 00 01 00 02 00 00 00   #   SVC_ATTR_AF AF_INET
            06 00 02 00 06 00 00 00   #   SVC_ATTR_PROTOCOL TCP
            14 00 03 00               #   SVC_ATTR_ADDR, 16 bytes
            91 28 60 df               #     145.40.96.223
            00 00 00 00 00 00 00 00   #     rest of the union, zero
            00 00 00 00               #
            06 00 04 00 19 2b 00 00   #   SVC_ATTR_PORT 6443
            08 00 06 00 77 6c 63 00   #   SVC_ATTR_SCHED_NAME "wlc" NUL
            0c 00 07 00               #   SVC_ATTR_FLAGS
            02 00 00 00 ff ff ff ff   #     HASHED, mask all
            08 00 08 00 00 00 00 00   #   SVC_ATTR_TIMEOUT 0
            08 00 09 00 ff ff ff ff   #   SVC_ATTR_NETMASK /32
            14 00 0a 00               #   SVC_ATTR_STATS (32-bit): ignored when STATS64 is present
            08 00 01 00 63 00 00 00   #     CONNS 99
            08 00 02 00 63 00 00 00   #     INPKTS 99
            34 00 0c 00               #   SVC_ATTR_STATS64
            0c 00 01 00               #     CONNS
            07 00 00 00 00 00 00 00   #       7
            0c 00 02 00               #     INPKTS
            28 00 00 00 00 00 00 00   #       40
            0c 00 03 00               #     OUTPKTS
            1e 00 00 00 00 00 00 00   #       30
            0c 00 04 00               #     INBYTES
            00 00 00 00 01 00 00 00   #       2^32
            """);

    private static final byte[] DESTINATION = bytes("""
            05 01 00 00               # genl cmd NEW_DEST, version 1
            58 00 02 00               # nlattr len 88, CMD_ATTR_DEST
            14 00 01 00               #   DEST_ATTR_ADDR, 16 bytes
            0a 50 60 19               #     10.80.96.25
            00 00 00 00 00 00 00 00   #     zero
            00 00 00 00               #
            06 00 02 00 19 2b 00 00   #   DEST_ATTR_PORT 6443
            08 00 03 00 00 00 00 00   #   DEST_ATTR_FWD_METHOD MASQ
            08 00 04 00 01 00 00 00   #   DEST_ATTR_WEIGHT 1
            08 00 05 00 00 00 00 00   #   DEST_ATTR_U_THRESH 0
            08 00 06 00 00 00 00 00   #   DEST_ATTR_L_THRESH 0
            08 00 07 00 02 00 00 00   #   DEST_ATTR_ACTIVE_CONNS 2
            08 00 08 00 05 00 00 00   #   DEST_ATTR_INACT_CONNS 5
            06 00 0b 00 02 00 00 00   #   DEST_ATTR_ADDR_FAMILY AF_INET
            """);

    private static NetlinkMessage message(byte[] payload) {
        return new NetlinkMessage(0x23, 0x02, 9, 1234, payload);
    }

    @Test
    void decodesAServiceWithItsStats64() throws Exception {
        IpvsService service = IpvsMessageDecoder.decodeService(message(SERVICE)).orElseThrow();
        assertEquals(InetAddress.getByName("145.40.96.223"), service.address());
        assertEquals(6, service.protocol());
        assertEquals(6443, service.port());
        assertEquals("wlc", service.scheduler());
        assertEquals(new IpvsStats(7, 40, 30, 1L << 32, 0), service.stats());
        assertTrue(service.sameSettings(IpvsService.of(InetAddress.getByName("145.40.96.223"), 6, 6443, "wlc")),
                "the kernel's HASHED flag is not a difference");
    }

    @Test
    void decodesADestination() throws Exception {
        IpvsDestination destination = IpvsMessageDecoder.decodeDestination(message(DESTINATION), IpvsConstants.AF_INET);
        assertEquals(new IpvsDestination(InetAddress.getByName("10.80.96.25"), 6443, IpvsForwarding.MASQ, 1, 0, 0, 2, 5,
                IpvsStats.NONE), destination);
    }

    @Test
    void aFirewallMarkServiceIsNotOneOfVippys() {
        byte[] fwmark = bytes("""
                01 01 00 00               # genl cmd NEW_SERVICE
                30 00 01 00               # nlattr len 48, CMD_ATTR_SERVICE
                06 00 01 00 02 00 00 00   #   SVC_ATTR_AF AF_INET
                08 00 05 00 01 00 00 00   #   SVC_ATTR_FWMARK 1
                07 00 06 00 72 72 00 00   #   SVC_ATTR_SCHED_NAME "rr"
                0c 00 07 00               #   SVC_ATTR_FLAGS
                02 00 00 00 ff ff ff ff   #     HASHED, mask all
                08 00 08 00 00 00 00 00   #   SVC_ATTR_TIMEOUT 0
                """);
        assertTrue(IpvsMessageDecoder.decodeService(message(fwmark)).isEmpty());
    }

    @Test
    void rejectsTheWrongCommand() {
        assertThrows(NetlinkDecodingException.class,
                () -> IpvsMessageDecoder.decodeDestination(message(SERVICE), IpvsConstants.AF_INET));
    }

    @Test
    void rejectsEveryTruncation() {
        for (int length = 0; length < DESTINATION.length; length++) {
            byte[] truncated = Arrays.copyOf(DESTINATION, length);
            assertThrows(RuntimeException.class,
                    () -> IpvsMessageDecoder.decodeDestination(message(truncated), IpvsConstants.AF_INET),
                    "truncated to " + length);
        }
    }

    @Test
    void everySingleBitFlipDecodesOrFailsCleanly() {
        for (byte[] fixture : new byte[][] {SERVICE, DESTINATION}) {
            for (int bit = 0; bit < fixture.length * 8; bit++) {
                byte[] flipped = fixture.clone();
                flipped[bit / 8] ^= (byte) (1 << (bit % 8));
                try {
                    IpvsMessageDecoder.decodeService(message(flipped));
                } catch (NetlinkDecodingException expected) {
                    // a clean refusal
                }
                try {
                    IpvsMessageDecoder.decodeDestination(message(flipped), IpvsConstants.AF_INET);
                } catch (NetlinkDecodingException expected) {
                    // a clean refusal
                }
            }
        }
    }
}
