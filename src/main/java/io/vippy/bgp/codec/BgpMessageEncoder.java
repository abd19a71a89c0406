package io.vippy.bgp.codec;

import static io.vippy.bgp.codec.BgpConstants.*;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/** Writes BGP messages, header included. Stateless: one instance serves every channel. */
@Sharable
public final class BgpMessageEncoder extends MessageToByteEncoder<BgpMessage> {
    public static final BgpMessageEncoder INSTANCE = new BgpMessageEncoder();

    private BgpMessageEncoder() {
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, BgpMessage message, ByteBuf out) {
        encode(message, out);
    }

    /** Appends the whole message to {@code out}; a message over 4096 bytes is a bug in the caller. */
    public void encode(BgpMessage message, ByteBuf out) {
        int start = out.writerIndex();
        for (int i = 0; i < MARKER_LENGTH; i++) {
            out.writeByte(0xff);
        }
        out.writeShort(0);
        out.writeByte(message.type().wireValue());
        if (message instanceof BgpOpenMessage open) {
            encodeOpen(open, out);
        } else if (message instanceof BgpUpdateMessage update) {
            encodeUpdate(update, out);
        } else if (message instanceof BgpNotificationMessage notification) {
            out.writeByte(notification.code()).writeByte(notification.subcode()).writeBytes(notification.data().duplicate());
        } else if (message instanceof BgpRouteRefreshMessage refresh) {
            out.writeShort(refresh.afi()).writeByte(0).writeByte(refresh.safi());
        }
        int length = out.writerIndex() - start;
        if (length > MAX_MESSAGE_LENGTH) {
            throw new IllegalArgumentException(message.type() + " of " + length + " bytes exceeds " + MAX_MESSAGE_LENGTH);
        }
        out.setShort(start + MARKER_LENGTH, length);
    }

    private static void encodeOpen(BgpOpenMessage open, ByteBuf out) {
        out.writeByte(open.version()).writeShort(open.myAs()).writeShort(open.holdTimeSeconds());
        out.writeBytes(open.bgpIdentifier().getAddress());
        int parametersLengthAt = out.writerIndex();
        out.writeByte(0);
        // All capabilities in one Capabilities parameter, as most speakers send them.
        out.writeByte(OPTIONAL_PARAMETER_CAPABILITIES);
        int capabilitiesLengthAt = out.writerIndex();
        out.writeByte(0);
        for (BgpAddressFamily family : sorted(open.multiprotocol())) {
            out.writeByte(CAPABILITY_MULTIPROTOCOL).writeByte(4).writeShort(family.afi()).writeByte(0).writeByte(family.safi());
        }
        if (open.routeRefresh()) {
            out.writeByte(CAPABILITY_ROUTE_REFRESH).writeByte(0);
        }
        open.gracefulRestart().ifPresent(restart -> encodeGracefulRestart(restart, out));
        open.fourOctetAs().ifPresent(asn -> out.writeByte(CAPABILITY_FOUR_OCTET_AS).writeByte(4).writeInt((int) asn));
        for (BgpCapability capability : open.otherCapabilities()) {
            out.writeByte(capability.code()).writeByte(capability.value().remaining()).writeBytes(capability.value().duplicate());
        }
        int capabilitiesLength = out.writerIndex() - capabilitiesLengthAt - 1;
        if (capabilitiesLength == 0) {
            out.writerIndex(parametersLengthAt + 1);
            return;
        }
        out.setByte(capabilitiesLengthAt, capabilitiesLength);
        out.setByte(parametersLengthAt, capabilitiesLength + 2);
    }

    private static void encodeGracefulRestart(BgpGracefulRestart restart, ByteBuf out) {
        out.writeByte(CAPABILITY_GRACEFUL_RESTART).writeByte(2 + 4 * restart.families().size());
        out.writeShort((restart.restarting() ? GRACEFUL_RESTART_STATE_BIT : 0) | restart.restartTimeSeconds());
        for (BgpGracefulRestart.Family family : restart.families()) {
            out.writeShort(family.family().afi()).writeByte(family.family().safi())
                    .writeByte(family.forwardingPreserved() ? GRACEFUL_RESTART_FORWARDING_BIT : 0);
        }
    }

    private static List<BgpAddressFamily> sorted(Set<BgpAddressFamily> families) {
        return families.stream().sorted().toList();
    }

    private static void encodeUpdate(BgpUpdateMessage update, ByteBuf out) {
        int withdrawnLengthAt = out.writerIndex();
        out.writeShort(0);
        update.withdrawn().forEach(prefix -> encodePrefix(prefix, out));
        out.setShort(withdrawnLengthAt, out.writerIndex() - withdrawnLengthAt - 2);
        int attributesLengthAt = out.writerIndex();
        out.writeShort(0);
        encodeAttributes(update.attributes(), out);
        out.setShort(attributesLengthAt, out.writerIndex() - attributesLengthAt - 2);
        update.nlri().forEach(prefix -> encodePrefix(prefix, out));
    }

    /** Attributes in type-code order (RFC 4271 §5: SHOULD), unknown ones last. */
    private static void encodeAttributes(BgpPathAttributes attributes, ByteBuf out) {
        attributes.origin().ifPresent(origin -> writeAttribute(out, FLAG_TRANSITIVE, ATTR_ORIGIN,
                value -> value.writeByte(origin.wireValue())));
        attributes.asPath().ifPresent(path -> writeAttribute(out, FLAG_TRANSITIVE, ATTR_AS_PATH,
                value -> encodeAsPath(path, value)));
        attributes.nextHop().ifPresent(nextHop -> writeAttribute(out, FLAG_TRANSITIVE, ATTR_NEXT_HOP,
                value -> value.writeBytes(nextHop.getAddress())));
        attributes.multiExitDisc().ifPresent(med -> writeAttribute(out, FLAG_OPTIONAL, ATTR_MULTI_EXIT_DISC,
                value -> value.writeInt((int) med)));
        attributes.localPref().ifPresent(pref -> writeAttribute(out, FLAG_TRANSITIVE, ATTR_LOCAL_PREF,
                value -> value.writeInt((int) pref)));
        if (!attributes.communities().isEmpty()) {
            writeAttribute(out, FLAG_OPTIONAL | FLAG_TRANSITIVE, ATTR_COMMUNITIES,
                    value -> attributes.communities().forEach(community -> value.writeInt(community.intValue())));
        }
        attributes.mpReach().ifPresent(reach -> writeAttribute(out, FLAG_OPTIONAL, ATTR_MP_REACH_NLRI,
                value -> encodeMpReach(reach, value)));
        attributes.mpUnreach().ifPresent(unreach -> writeAttribute(out, FLAG_OPTIONAL, ATTR_MP_UNREACH_NLRI, value -> {
            value.writeShort(unreach.family().afi()).writeByte(unreach.family().safi());
            unreach.withdrawn().forEach(prefix -> encodePrefix(prefix, value));
        }));
        for (BgpRawAttribute raw : attributes.unknown()) {
            writeAttribute(out, raw.flags() & ~FLAG_EXTENDED_LENGTH, raw.typeCode(),
                    value -> value.writeBytes(raw.value().duplicate()));
        }
    }

    /** Writes flags, type and length (extended when the value exceeds 255 bytes) around the value. */
    private static void writeAttribute(ByteBuf out, int flags, int typeCode, Consumer<ByteBuf> value) {
        int flagsAt = out.writerIndex();
        out.writeByte(flags | FLAG_EXTENDED_LENGTH).writeByte(typeCode).writeShort(0);
        int valueAt = out.writerIndex();
        value.accept(out);
        int length = out.writerIndex() - valueAt;
        if (length > 255) {
            out.setShort(valueAt - 2, length);
            return;
        }
        // Short form: drop the second length octet by moving the value one byte back.
        out.setByte(flagsAt, flags);
        out.setByte(valueAt - 2, length);
        out.setBytes(valueAt - 1, out, valueAt, length);
        out.writerIndex(out.writerIndex() - 1);
    }

    private static void encodeAsPath(BgpAsPath path, ByteBuf out) {
        for (BgpAsPath.Segment segment : path.segments()) {
            out.writeByte(segment.type()).writeByte(segment.asns().size());
            for (long asn : segment.asns()) {
                if (path.fourOctet()) {
                    out.writeInt((int) asn);
                } else {
                    out.writeShort(asn > 0xffff ? AS_TRANS : (int) asn);
                }
            }
        }
    }

    private static void encodeMpReach(BgpMpReach reach, ByteBuf out) {
        out.writeShort(reach.family().afi()).writeByte(reach.family().safi());
        out.writeByte(reach.nextHops().stream().mapToInt(address -> address.getAddress().length).sum());
        for (InetAddress nextHop : reach.nextHops()) {
            out.writeBytes(nextHop.getAddress());
        }
        out.writeByte(0);
        reach.nlri().forEach(prefix -> encodePrefix(prefix, out));
    }

    static void encodePrefix(BgpPrefix prefix, ByteBuf out) {
        out.writeByte(prefix.length());
        out.writeBytes(prefix.address().getAddress(), 0, prefix.encodedLength() - 1);
    }
}
