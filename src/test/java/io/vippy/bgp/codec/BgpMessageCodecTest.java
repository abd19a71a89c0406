package io.vippy.bgp.codec;

import static io.vippy.bgp.codec.BgpFixtures.MARKER;
import static io.vippy.bgp.codec.BgpFixtures.buf;
import static io.vippy.bgp.codec.BgpFixtures.hex;
import static io.vippy.bgp.codec.BgpFixtures.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Byte-level fixtures for every message this speaker sends or reads, both directions. */
class BgpMessageCodecTest {
    static final String METALLB_OPEN = MARKER + """
            0031                 # length 49
            01                   # type OPEN
            04                   # version 4
            fdea                 # My AS 65002
            005a                 # hold time 90
            b9ecf027             # BGP identifier 185.236.240.39
            14                   # optional parameters length 20
            02 12                # parameter: capabilities, 18 bytes
            01 04 0001 00 01     # MP: IPv4 unicast
            01 04 0002 00 01     # MP: IPv6 unicast
            41 04 0000fdea       # 4-octet AS 65002
            """;
    static final String IPV4_ANNOUNCE = MARKER + """
            0030                 # length 48
            02                   # type UPDATE
            0000                 # withdrawn routes length
            0014                 # path attributes length 20
            40 01 01 00          # ORIGIN IGP
            40 02 06 02 01 0000fde8  # AS_PATH: AS_SEQUENCE of one 4-octet ASN, 65000
            40 03 04 c0a86402    # NEXT_HOP 192.168.100.2
            20 cb00710a          # NLRI 203.0.113.10/32
            """;
    static final String IPV4_WITHDRAW = MARKER + """
            001c                 # length 28
            02                   # type UPDATE
            0005                 # withdrawn routes length 5
            20 cb00710a          # 203.0.113.10/32
            0000                 # path attributes length 0
            """;

    private final EmbeddedChannel channel = new EmbeddedChannel(new BgpFrameDecoder(), new BgpMessageDecoder());

    private BgpMessage decode(String fixture) {
        channel.writeInbound(buf(fixture));
        BgpMessage message = channel.readInbound();
        assertNull(channel.readInbound(), "one message per fixture");
        return message;
    }

    private static String encode(BgpMessage message) {
        ByteBuf out = Unpooled.buffer();
        BgpMessageEncoder.INSTANCE.encode(message, out);
        return hex(out);
    }

    /** Decodes the fixture, checks the message, and checks that encoding it gives the same bytes. */
    private void assertBothWays(String fixture, BgpMessage expected) {
        assertEquals(expected, decode(fixture));
        assertEquals(hex(fixture), encode(expected));
    }

    @Test
    void metallbOpen() {
        assertBothWays(METALLB_OPEN, new BgpOpenMessage(4, 65002, 90, (Inet4Address) ip("185.236.240.39"),
                Set.of(BgpAddressFamily.IPV4_UNICAST, BgpAddressFamily.IPV6_UNICAST), OptionalLong.of(65002), false,
                Optional.empty(), List.of()));
    }

    @Test
    void aristaOpenWithRouteRefreshAndGracefulRestart() {
        BgpOpenMessage open = (BgpOpenMessage) decode(MARKER + """
                002b                 # length 43
                01                   # type OPEN
                04                   # version 4
                fde8                 # My AS 65000
                00b4                 # hold time 180
                0a000001             # BGP identifier 10.0.0.1
                0e                   # optional parameters length 14
                02 0c                # parameter: capabilities, 12 bytes
                01 04 0001 00 01     # MP: IPv4 unicast
                02 00                # route refresh
                40 02 00b4           # graceful restart: no flags, 180 s, no families
                """);
        assertEquals(true, open.routeRefresh());
        assertEquals(Optional.of(new BgpGracefulRestart(false, 180, List.of())), open.gracefulRestart());
        assertEquals(65000, open.asn());
    }

    @Test
    void unknownCapabilitiesAreKeptAsTheyCame() {
        BgpOpenMessage open = (BgpOpenMessage) decode(MARKER + """
                0029                 # length 41
                01                   # type OPEN
                04                   # version 4
                fde8                 # My AS 65000
                005a                 # hold time 90
                0a000001             # BGP identifier 10.0.0.1
                0c                   # optional parameters length 12
                02 0a                # parameter: capabilities, 10 bytes
                01 04 0019 00 41     # MP: L2VPN EVPN (AFI 25, SAFI 65), unknown here
                46 00                # enhanced route refresh (70), not interpreted
                06 00                # extended message (6), not interpreted
                """);
        assertEquals(Set.of(), open.multiprotocol());
        assertEquals(List.of(1, 70, 6), open.otherCapabilities().stream().map(BgpCapability::code).toList());
        assertEquals(ByteBuffer.wrap(new byte[] {0, 0x19, 0, 0x41}), open.otherCapabilities().get(0).value());
    }

    @Test
    void ourOpenWithFourOctetAsnAndGracefulRestart() {
        BgpGracefulRestart restart = new BgpGracefulRestart(false, 120, List.of(
                new BgpGracefulRestart.Family(BgpAddressFamily.IPV4_UNICAST, true),
                new BgpGracefulRestart.Family(BgpAddressFamily.IPV6_UNICAST, true)));
        assertBothWays(MARKER + """
                003f                 # length 63
                01                   # type OPEN
                04                   # version 4
                5ba0                 # My AS: AS_TRANS 23456
                005a                 # hold time 90
                c0a86402             # BGP identifier 192.168.100.2
                22                   # optional parameters length 34
                02 20                # parameter: capabilities, 32 bytes
                01 04 0001 00 01     # MP: IPv4 unicast
                01 04 0002 00 01     # MP: IPv6 unicast
                02 00                # route refresh
                40 0a 0078           # graceful restart: 120 s
                0001 01 80           #   IPv4 unicast, forwarding preserved
                0002 01 80           #   IPv6 unicast, forwarding preserved
                41 04 fa56ea00       # 4-octet AS 4200000000
                """, BgpOpenMessage.of(4_200_000_000L, 90, (Inet4Address) ip("192.168.100.2"),
                Set.of(BgpAddressFamily.IPV4_UNICAST, BgpAddressFamily.IPV6_UNICAST), Optional.of(restart)));
    }

    @Test
    void keepalive() {
        assertBothWays(MARKER + """
                0013                 # length 19
                04                   # type KEEPALIVE
                """, BgpKeepaliveMessage.INSTANCE);
    }

    @Test
    void endOfRibIpv4() {
        String fixture = MARKER + """
                0017                 # length 23
                02                   # type UPDATE
                0000                 # withdrawn routes length
                0000                 # path attributes length
                """;
        assertBothWays(fixture, BgpUpdateMessage.endOfRib(BgpAddressFamily.IPV4_UNICAST));
        assertEquals(Optional.of(BgpAddressFamily.IPV4_UNICAST), ((BgpUpdateMessage) decode(fixture)).endOfRibFamily());
    }

    @Test
    void endOfRibIpv6() {
        String fixture = MARKER + """
                001d                 # length 29
                02                   # type UPDATE
                0000                 # withdrawn routes length
                0006                 # path attributes length 6
                80 0f 03 0002 01     # MP_UNREACH_NLRI IPv6 unicast, nothing withdrawn
                """;
        assertBothWays(fixture, BgpUpdateMessage.endOfRib(BgpAddressFamily.IPV6_UNICAST));
        assertEquals(Optional.of(BgpAddressFamily.IPV6_UNICAST), ((BgpUpdateMessage) decode(fixture)).endOfRibFamily());
    }

    @Test
    void notificationCeaseAdministrativeShutdown() {
        assertBothWays(MARKER + """
                0015                 # length 21
                03                   # type NOTIFICATION
                06                   # code Cease
                02                   # subcode Administrative Shutdown
                """, BgpNotificationMessage.of(6, 2));
    }

    @Test
    void notificationBadMessageLengthWithData() {
        assertBothWays(MARKER + """
                0017                 # length 23
                03                   # type NOTIFICATION
                01                   # code Message Header Error
                02                   # subcode Bad Message Length
                1001                 # data: the bad length, 4097
                """, new BgpNotificationMessage(1, 2, ByteBuffer.wrap(new byte[] {0x10, 0x01})));
    }

    @Test
    void routeRefreshIpv4() {
        assertBothWays(MARKER + """
                0017                 # length 23
                05                   # type ROUTE-REFRESH
                0001                 # AFI IPv4
                00                   # reserved
                01                   # SAFI unicast
                """, BgpRouteRefreshMessage.of(BgpAddressFamily.IPV4_UNICAST));
    }

    @Test
    void ipv4Withdraw() {
        assertBothWays(IPV4_WITHDRAW, new BgpUpdateMessage(List.of(BgpPrefix.host(ip("203.0.113.10"))),
                BgpPathAttributes.NONE, List.of()));
    }

    @Test
    void ipv4AnnounceOverEbgp() {
        channel.pipeline().get(BgpMessageDecoder.class).fourOctetAs(true);
        assertBothWays(IPV4_ANNOUNCE, new BgpUpdateMessage(List.of(), attributes(
                BgpAsPath.originatedBy(65000, true), Optional.of((Inet4Address) ip("192.168.100.2")),
                OptionalLong.empty(), List.of(), Optional.empty()), List.of(BgpPrefix.host(ip("203.0.113.10")))));
    }

    @Test
    void ipv4AnnounceOverIbgpWithLocalPrefAndCommunity() {
        channel.pipeline().get(BgpMessageDecoder.class).fourOctetAs(true);
        assertBothWays(MARKER + """
                0038                 # length 56
                02                   # type UPDATE
                0000                 # withdrawn routes length
                001c                 # path attributes length 28
                40 01 01 00          # ORIGIN IGP
                40 02 00             # AS_PATH empty (iBGP)
                40 03 04 c0a86402    # NEXT_HOP 192.168.100.2
                40 05 04 00000064    # LOCAL_PREF 100
                c0 08 04 fde80064    # COMMUNITIES 65000:100
                20 cb00710a          # NLRI 203.0.113.10/32
                """, new BgpUpdateMessage(List.of(), attributes(BgpAsPath.empty(true),
                Optional.of((Inet4Address) ip("192.168.100.2")), OptionalLong.of(100), List.of(0xfde80064L),
                Optional.empty()), List.of(BgpPrefix.host(ip("203.0.113.10")))));
    }

    @Test
    void ipv4AnnounceWithTwoOctetAsPath() {
        channel.pipeline().get(BgpMessageDecoder.class).fourOctetAs(false);
        assertBothWays(MARKER + """
                002e                 # length 46
                02                   # type UPDATE
                0000                 # withdrawn routes length
                0012                 # path attributes length 18
                40 01 01 00          # ORIGIN IGP
                40 02 04 02 01 fde8  # AS_PATH: AS_SEQUENCE of one 2-octet ASN, 65000
                40 03 04 c0a86402    # NEXT_HOP 192.168.100.2
                20 cb00710a          # NLRI 203.0.113.10/32
                """, new BgpUpdateMessage(List.of(), attributes(BgpAsPath.originatedBy(65000, false),
                Optional.of((Inet4Address) ip("192.168.100.2")), OptionalLong.empty(), List.of(), Optional.empty()),
                List.of(BgpPrefix.host(ip("203.0.113.10")))));
    }

    @Test
    void ipv6AnnounceWithMpReach() {
        channel.pipeline().get(BgpMessageDecoder.class).fourOctetAs(true);
        assertBothWays(MARKER + """
                004d                 # length 77
                02                   # type UPDATE
                0000                 # withdrawn routes length
                0036                 # path attributes length 54
                40 01 01 00          # ORIGIN IGP
                40 02 06 02 01 0000fde8  # AS_PATH 65000
                80 0e 26             # MP_REACH_NLRI, 38 bytes
                0002 01              #   AFI IPv6, SAFI unicast
                10                   #   next hop length 16
                20010db8000100000000000000000002  # next hop 2001:db8:1::2
                00                   #   reserved
                80 20010db8000000000000000000000010  # NLRI 2001:db8::10/128
                """, new BgpUpdateMessage(List.of(), attributes(BgpAsPath.originatedBy(65000, true), Optional.empty(),
                OptionalLong.empty(), List.of(), Optional.of(new BgpMpReach(BgpAddressFamily.IPV6_UNICAST,
                        List.of(ip("2001:db8:1::2")), List.of(BgpPrefix.host(ip("2001:db8::10")))))), List.of()));
    }

    @Test
    void ipv6Withdraw() {
        assertBothWays(MARKER + """
                002e                 # length 46
                02                   # type UPDATE
                0000                 # withdrawn routes length
                0017                 # path attributes length 23
                80 0f 14             # MP_UNREACH_NLRI, 20 bytes
                0002 01              #   AFI IPv6, SAFI unicast
                80 20010db8000000000000000000000010  # 2001:db8::10/128
                """, new BgpUpdateMessage(List.of(), BgpPathAttributes.unreach(new BgpMpUnreach(
                BgpAddressFamily.IPV6_UNICAST, List.of(BgpPrefix.host(ip("2001:db8::10"))))), List.of()));
    }

    @Test
    void attributeOver255BytesUsesExtendedLength() {
        List<Long> communities = java.util.stream.LongStream.range(0, 70).boxed().toList();
        BgpUpdateMessage update = new BgpUpdateMessage(List.of(), attributes(BgpAsPath.originatedBy(65000, false),
                Optional.of((Inet4Address) ip("192.168.100.2")), OptionalLong.empty(), communities, Optional.empty()),
                List.of(BgpPrefix.host(ip("203.0.113.10"))));
        String encoded = encode(update);
        // After ORIGIN (4), AS_PATH (7), NEXT_HOP (7): flags c0|10, type 8, two length bytes 0x0118 = 280.
        assertEquals("d0080118", encoded.substring(2 * (23 + 18), 2 * (23 + 18 + 4)));
        channel.writeInbound(Unpooled.wrappedBuffer(java.util.HexFormat.of().parseHex(encoded)));
        assertEquals(update, channel.readInbound());
    }

    @Test
    void roundTripOfEveryMessageTypeThroughTheChannel() {
        EmbeddedChannel encoder = new EmbeddedChannel(BgpMessageEncoder.INSTANCE);
        channel.pipeline().get(BgpMessageDecoder.class).fourOctetAs(true);
        List<BgpMessage> messages = List.of(
                BgpOpenMessage.of(65000, 9, (Inet4Address) ip("10.0.0.1"), Set.of(BgpAddressFamily.IPV4_UNICAST),
                        Optional.empty()),
                new BgpUpdateMessage(List.of(BgpPrefix.host(ip("203.0.113.11"))), attributes(BgpAsPath.originatedBy(65000, true),
                        Optional.of((Inet4Address) ip("10.0.0.1")), OptionalLong.empty(), List.of(1L), Optional.empty()),
                        List.of(BgpPrefix.host(ip("203.0.113.12")), new BgpPrefix(ip("198.51.100.0"), 24))),
                BgpNotificationMessage.of(4, 0),
                BgpKeepaliveMessage.INSTANCE,
                BgpRouteRefreshMessage.of(BgpAddressFamily.IPV6_UNICAST));
        for (BgpMessage message : messages) {
            encoder.writeOutbound(message);
            ByteBuf bytes = encoder.readOutbound();
            // Feed it in two pieces to exercise the framing's wait for the rest.
            channel.writeInbound(bytes.readRetainedSlice(7));
            assertNull(channel.readInbound());
            channel.writeInbound(bytes);
            assertEquals(message, channel.readInbound());
        }
    }

    static BgpPathAttributes attributes(BgpAsPath path, Optional<Inet4Address> nextHop, OptionalLong localPref,
            List<Long> communities, Optional<BgpMpReach> reach) {
        return new BgpPathAttributes(Optional.of(BgpOrigin.IGP), Optional.of(path), nextHop, OptionalLong.empty(),
                localPref, communities, reach, Optional.empty(), List.of());
    }
}
