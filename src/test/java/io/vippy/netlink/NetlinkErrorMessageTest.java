package io.vippy.netlink;

import static io.vippy.testing.HexFixture.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NetlinkErrorMessageTest {

    @Test
    void cappedAck() {
        NetlinkMessage message = NetlinkMessageDecoder.decode(ByteBuffer.wrap(bytes("""
                24 00 00 00   # nlmsg_len 36
                02 00         # nlmsg_type NLMSG_ERROR
                00 01         # nlmsg_flags CAPPED
                07 00 00 00   # nlmsg_seq 7
                39 30 00 00   # nlmsg_pid
                00 00 00 00   # error 0: ack
                28 00 00 00   # echoed nlmsg_len 40 (payload not echoed: capped)
                14 00 05 06   # echoed type, flags
                07 00 00 00   # echoed seq
                00 00 00 00   # echoed pid
                """))).get(0);
        NetlinkErrorMessage error = NetlinkErrorMessage.decode(message);
        assertTrue(error.isAck());
        assertEquals(Optional.empty(), error.explanation());
    }

    @Test
    void errorWithExtendedAckMessage() {
        NetlinkMessage message = NetlinkMessageDecoder.decode(ByteBuffer.wrap(bytes("""
                30 00 00 00   # nlmsg_len 48
                02 00         # nlmsg_type NLMSG_ERROR
                00 03         # nlmsg_flags CAPPED|ACK_TLVS
                07 00 00 00   # nlmsg_seq 7
                39 30 00 00   # nlmsg_pid
                ef ff ff ff   # error -17 (EEXIST)
                28 00 00 00   # echoed nlmsg_len 40
                14 00 05 06   # echoed type, flags
                07 00 00 00   # echoed seq
                00 00 00 00   # echoed pid
                0b 00 01 00   # nlattr len 11, NLMSGERR_ATTR_MSG
                62 61 64 21   #   "bad!"
                3f 3f 00 00   #   "??" NUL, 1 byte padding
                """))).get(0);
        NetlinkErrorMessage error = NetlinkErrorMessage.decode(message);
        assertEquals(-17, error.error());
        assertEquals(Optional.of("bad!??"), error.explanation());
    }

    @Test
    void uncappedErrorSkipsTheEchoedRequest() {
        NetlinkMessage message = NetlinkMessageDecoder.decode(ByteBuffer.wrap(bytes("""
                28 00 00 00   # nlmsg_len 40
                02 00         # nlmsg_type NLMSG_ERROR
                00 00         # nlmsg_flags
                01 00 00 00   # nlmsg_seq 1
                00 00 00 00   # nlmsg_pid
                fd ff ff ff   # error -3 (ESRCH)
                14 00 00 00   # echoed nlmsg_len 20
                1c 00 05 00   # echoed type, flags
                01 00 00 00   # echoed seq
                00 00 00 00   # echoed pid
                03 01 00 00   # echoed genlmsghdr
                """))).get(0);
        assertEquals(-3, NetlinkErrorMessage.decode(message).error());
    }

    @Test
    void rejectsAnEchoLongerThanTheMessage() {
        NetlinkMessage message = new NetlinkMessage(2, 0, 1, 0, bytes("""
                fd ff ff ff   # error -3
                40 00 00 00   # echoed nlmsg_len 64: more than is there
                1c 00 05 00   # echoed type, flags
                01 00 00 00   # echoed seq
                00 00 00 00   # echoed pid
                """));
        assertThrows(NetlinkDecodingException.class, () -> NetlinkErrorMessage.decode(message));
    }

    @Test
    void rejectsATruncatedError() {
        assertThrows(NetlinkDecodingException.class,
                () -> NetlinkErrorMessage.decode(new NetlinkMessage(2, 0, 1, 0, new byte[] {0, 0, 0, 0})));
    }
}
