package io.vippy.netlink;

import static io.vippy.testing.HexFixture.bytes;
import static io.vippy.testing.HexFixture.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class RtnetlinkEncoderTest {

    @Test
    void newIpv4HostAddressOnLo() throws Exception {
        byte[] encoded = RtnetlinkEncoder.newHostAddress(InetAddress.getByName("203.0.113.10"), 1)
                .encode(7, NetlinkConstants.NLM_F_REQUEST | NetlinkConstants.NLM_F_ACK);
        assertEquals(hex(bytes("""
                28 00 00 00   # nlmsg_len 40
                14 00         # nlmsg_type RTM_NEWADDR (20)
                05 06         # nlmsg_flags REQUEST|ACK|EXCL|CREATE (0x605)
                07 00 00 00   # nlmsg_seq 7
                00 00 00 00   # nlmsg_pid 0
                02            # ifa_family AF_INET
                20            # ifa_prefixlen 32
                00            # ifa_flags
                00            # ifa_scope universe
                01 00 00 00   # ifa_index 1 (lo)
                08 00 02 00   # nlattr len 8, IFA_LOCAL
                cb 00 71 0a   #   203.0.113.10
                08 00 01 00   # nlattr len 8, IFA_ADDRESS
                cb 00 71 0a   #   203.0.113.10
                """)), hex(encoded));
    }

    @Test
    void deleteIpv6HostAddressOnLo() throws Exception {
        byte[] encoded = RtnetlinkEncoder.deleteHostAddress(InetAddress.getByName("2001:db8::5"), 1)
                .encode(1, NetlinkConstants.NLM_F_REQUEST | NetlinkConstants.NLM_F_ACK);
        assertEquals(hex(bytes("""
                40 00 00 00                                       # nlmsg_len 64
                15 00                                             # nlmsg_type RTM_DELADDR (21)
                05 00                                             # nlmsg_flags REQUEST|ACK
                01 00 00 00                                       # nlmsg_seq 1
                00 00 00 00                                       # nlmsg_pid 0
                0a                                                # ifa_family AF_INET6
                80                                                # ifa_prefixlen 128
                02                                                # ifa_flags IFA_F_NODAD
                00                                                # ifa_scope universe
                01 00 00 00                                       # ifa_index 1 (lo)
                14 00 02 00                                       # nlattr len 20, IFA_LOCAL
                20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 05   #   2001:db8::5
                14 00 01 00                                       # nlattr len 20, IFA_ADDRESS
                20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 05   #   2001:db8::5
                """)), hex(encoded));
    }

    @Test
    void setLinkUp() {
        byte[] encoded = RtnetlinkEncoder.setLinkUp(1).encode(3, NetlinkConstants.NLM_F_REQUEST | NetlinkConstants.NLM_F_ACK);
        assertEquals(hex(bytes("""
                20 00 00 00   # nlmsg_len 32
                10 00         # nlmsg_type RTM_NEWLINK (16)
                05 00         # nlmsg_flags REQUEST|ACK
                03 00 00 00   # nlmsg_seq 3
                00 00 00 00   # nlmsg_pid 0
                00            # ifi_family AF_UNSPEC
                00            # padding
                00 00         # ifi_type
                01 00 00 00   # ifi_index 1 (lo)
                01 00 00 00   # ifi_flags IFF_UP
                01 00 00 00   # ifi_change IFF_UP
                """)), hex(encoded));
    }
}
