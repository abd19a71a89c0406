package io.vippy.dataplane.ipvs;

import static io.vippy.testing.HexFixture.bytes;
import static io.vippy.testing.HexFixture.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** Requests as the kernel's ip_vs_ctl.c parses them; layouts from linux/ip_vs.h. Little-endian host. */
class IpvsMessageEncoderTest {
    private static final int FAMILY = 0x23;
    private static final int REQUEST_ACK = 0x05;

    private static IpvsService service() throws Exception {
        return IpvsService.of(InetAddress.getByName("203.0.113.10"), 6, 80, "rr");
    }

    @Test
    void newIpv4Service() throws Exception {
        assertEquals(hex(bytes("""
                5c 00 00 00   # nlmsg_len 92
                23 00         # nlmsg_type: the IPVS family id
                05 00         # nlmsg_flags REQUEST|ACK
                01 00 00 00   # nlmsg_seq 1
                00 00 00 00   # nlmsg_pid
                01 01 00 00   # genl cmd NEW_SERVICE, version 1
                48 00 01 80   # nlattr len 72, CMD_ATTR_SERVICE | NESTED
                06 00 01 00   #   SVC_ATTR_AF
                02 00 00 00   #     AF_INET, padding
                06 00 02 00   #   SVC_ATTR_PROTOCOL
                06 00 00 00   #     TCP, padding
                08 00 03 00   #   SVC_ATTR_ADDR
                cb 00 71 0a   #     203.0.113.10
                06 00 04 00   #   SVC_ATTR_PORT
                00 50 00 00   #     80 in network order, padding
                07 00 06 00   #   SVC_ATTR_SCHED_NAME
                72 72 00 00   #     "rr" NUL, padding
                0c 00 07 00   #   SVC_ATTR_FLAGS
                00 00 00 00   #     flags 0
                ff ff ff ff   #     mask: all
                08 00 08 00   #   SVC_ATTR_TIMEOUT
                00 00 00 00   #     0 s: not persistent
                08 00 09 00   #   SVC_ATTR_NETMASK
                ff ff ff ff   #     /32
                """)), hex(IpvsMessageEncoder.newService(FAMILY, service()).encode(1, REQUEST_ACK)));
    }

    @Test
    void ipv6ServiceNetmaskIsThePrefixLength() throws Exception {
        IpvsService v6 = IpvsService.of(InetAddress.getByName("2001:db8::1"), 17, 53, "mh");
        assertEquals(hex(bytes("""
                68 00 00 00                                       # nlmsg_len 104
                23 00                                             # nlmsg_type
                05 00                                             # nlmsg_flags REQUEST|ACK
                02 00 00 00                                       # nlmsg_seq 2
                00 00 00 00                                       # nlmsg_pid
                02 01 00 00                                       # genl cmd SET_SERVICE, version 1
                54 00 01 80                                       # nlattr len 84, CMD_ATTR_SERVICE | NESTED
                06 00 01 00 0a 00 00 00                           #   SVC_ATTR_AF AF_INET6
                06 00 02 00 11 00 00 00                           #   SVC_ATTR_PROTOCOL UDP
                14 00 03 00                                       #   SVC_ATTR_ADDR
                20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01   #     2001:db8::1
                06 00 04 00 00 35 00 00                           #   SVC_ATTR_PORT 53
                07 00 06 00 6d 68 00 00                           #   SVC_ATTR_SCHED_NAME "mh"
                0c 00 07 00 00 00 00 00 ff ff ff ff               #   SVC_ATTR_FLAGS 0, mask all
                08 00 08 00 00 00 00 00                           #   SVC_ATTR_TIMEOUT 0
                08 00 09 00 80 00 00 00                           #   SVC_ATTR_NETMASK 128, host order
                """)), hex(IpvsMessageEncoder.setService(FAMILY, v6).encode(2, REQUEST_ACK)));
    }

    @Test
    void newMasqueradeDestination() throws Exception {
        IpvsDestination real = IpvsDestination.masquerade(InetAddress.getByName("10.80.96.25"), 6443, 3);
        assertEquals(hex(bytes("""
                74 00 00 00   # nlmsg_len 116
                23 00         # nlmsg_type
                05 00         # nlmsg_flags REQUEST|ACK
                03 00 00 00   # nlmsg_seq 3
                00 00 00 00   # nlmsg_pid
                05 01 00 00   # genl cmd NEW_DEST, version 1
                24 00 01 80   # nlattr len 36, CMD_ATTR_SERVICE | NESTED: identity only
                06 00 01 00   #   SVC_ATTR_AF
                02 00 00 00   #     AF_INET
                06 00 02 00   #   SVC_ATTR_PROTOCOL
                06 00 00 00   #     TCP
                08 00 03 00   #   SVC_ATTR_ADDR
                cb 00 71 0a   #     203.0.113.10
                06 00 04 00   #   SVC_ATTR_PORT
                00 50 00 00   #     80
                3c 00 02 80   # nlattr len 60, CMD_ATTR_DEST | NESTED
                08 00 01 00   #   DEST_ATTR_ADDR
                0a 50 60 19   #     10.80.96.25
                06 00 02 00   #   DEST_ATTR_PORT
                19 2b 00 00   #     6443 in network order
                06 00 0b 00   #   DEST_ATTR_ADDR_FAMILY
                02 00 00 00   #     AF_INET
                08 00 03 00   #   DEST_ATTR_FWD_METHOD
                00 00 00 00   #     MASQ
                08 00 04 00   #   DEST_ATTR_WEIGHT
                03 00 00 00   #     3
                08 00 05 00   #   DEST_ATTR_U_THRESH
                00 00 00 00   #     no limit
                08 00 06 00   #   DEST_ATTR_L_THRESH
                00 00 00 00   #     no limit
                """)), hex(IpvsMessageEncoder.newDestination(FAMILY, service(), real).encode(3, REQUEST_ACK)));
    }

    @Test
    void deleteDestinationCarriesIdentitiesOnly() throws Exception {
        IpvsDestination real = IpvsDestination.masquerade(InetAddress.getByName("10.80.96.25"), 6443, 3);
        assertEquals(hex(bytes("""
                4c 00 00 00   # nlmsg_len 76
                23 00         # nlmsg_type
                05 00         # nlmsg_flags REQUEST|ACK
                04 00 00 00   # nlmsg_seq 4
                00 00 00 00   # nlmsg_pid
                07 01 00 00   # genl cmd DEL_DEST, version 1
                24 00 01 80   # nlattr len 36, CMD_ATTR_SERVICE | NESTED
                06 00 01 00   #   SVC_ATTR_AF
                02 00 00 00   #     AF_INET
                06 00 02 00   #   SVC_ATTR_PROTOCOL
                06 00 00 00   #     TCP
                08 00 03 00   #   SVC_ATTR_ADDR
                cb 00 71 0a   #     203.0.113.10
                06 00 04 00   #   SVC_ATTR_PORT
                00 50 00 00   #     80
                14 00 02 80   # nlattr len 20, CMD_ATTR_DEST | NESTED
                08 00 01 00   #   DEST_ATTR_ADDR
                0a 50 60 19   #     10.80.96.25
                06 00 02 00   #   DEST_ATTR_PORT
                19 2b 00 00   #     6443
                """)), hex(IpvsMessageEncoder.deleteDestination(FAMILY, service(), real).encode(4, REQUEST_ACK)));
    }

    @Test
    void serviceDumpHasNoAttributes() {
        assertEquals(hex(bytes("""
                14 00 00 00   # nlmsg_len 20
                23 00         # nlmsg_type
                01 03         # nlmsg_flags REQUEST|DUMP
                05 00 00 00   # nlmsg_seq 5
                00 00 00 00   # nlmsg_pid
                04 01 00 00   # genl cmd GET_SERVICE, version 1
                """)), hex(IpvsMessageEncoder.getServices(FAMILY).encode(5, 0x301)));
    }
}
