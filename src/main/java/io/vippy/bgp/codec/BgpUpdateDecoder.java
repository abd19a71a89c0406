package io.vippy.bgp.codec;

import static io.vippy.bgp.codec.BgpConstants.*;
import static io.vippy.bgp.codec.BgpNotificationCodes.*;

import io.netty.buffer.ByteBuf;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/** Parses the body of one UPDATE (RFC 4271 §4.3, §6.3); one instance per message. */
final class BgpUpdateDecoder {
    private final ByteBuf body;
    private final boolean fourOctetAs;
    private final Set<Integer> seenTypes = new HashSet<>();
    private BgpOrigin origin;
    private BgpAsPath asPath;
    private Inet4Address nextHop;
    private OptionalLong multiExitDisc = OptionalLong.empty();
    private OptionalLong localPref = OptionalLong.empty();
    private final List<Long> communities = new ArrayList<>();
    private BgpMpReach mpReach;
    private BgpMpUnreach mpUnreach;
    private final List<BgpRawAttribute> unknown = new ArrayList<>();

    BgpUpdateDecoder(ByteBuf body, boolean fourOctetAs) {
        this.body = body;
        this.fourOctetAs = fourOctetAs;
    }

    BgpUpdateMessage decode() {
        int withdrawnLength = body.readUnsignedShort();
        if (withdrawnLength + 2 > body.readableBytes()) {
            throw error(MALFORMED_ATTRIBUTE_LIST, "withdrawn routes length " + withdrawnLength + " overruns the UPDATE");
        }
        List<BgpPrefix> withdrawn = readPrefixes(body.readSlice(withdrawnLength), BgpAddressFamily.IPV4_UNICAST);
        int attributesLength = body.readUnsignedShort();
        if (attributesLength > body.readableBytes()) {
            throw error(MALFORMED_ATTRIBUTE_LIST, "path attribute length " + attributesLength + " overruns the UPDATE");
        }
        ByteBuf attributes = body.readSlice(attributesLength);
        while (attributes.isReadable()) {
            readAttribute(attributes);
        }
        List<BgpPrefix> nlri = readPrefixes(body, BgpAddressFamily.IPV4_UNICAST);
        checkMandatory(!nlri.isEmpty(), mpReach != null);
        return new BgpUpdateMessage(withdrawn, new BgpPathAttributes(Optional.ofNullable(origin),
                Optional.ofNullable(asPath), Optional.ofNullable(nextHop), multiExitDisc, localPref, communities,
                Optional.ofNullable(mpReach), Optional.ofNullable(mpUnreach), unknown), nlri);
    }

    private void checkMandatory(boolean ipv4Nlri, boolean mpNlri) {
        if (!ipv4Nlri && !mpNlri) {
            return;
        }
        if (origin == null) {
            throw missing(ATTR_ORIGIN);
        }
        if (asPath == null) {
            throw missing(ATTR_AS_PATH);
        }
        if (ipv4Nlri && nextHop == null) {
            throw missing(ATTR_NEXT_HOP);
        }
    }

    private void readAttribute(ByteBuf attributes) {
        if (attributes.readableBytes() < 3) {
            throw error(MALFORMED_ATTRIBUTE_LIST, "truncated attribute header");
        }
        int flags = attributes.readUnsignedByte();
        int type = attributes.readUnsignedByte();
        boolean extended = (flags & FLAG_EXTENDED_LENGTH) != 0;
        if (extended && !attributes.isReadable(2)) {
            throw error(MALFORMED_ATTRIBUTE_LIST, "truncated attribute header");
        }
        int length = extended ? attributes.readUnsignedShort() : attributes.readUnsignedByte();
        if (length > attributes.readableBytes()) {
            throw error(ATTRIBUTE_LENGTH_ERROR, "attribute " + type + " of " + length + " bytes overruns the list");
        }
        if (!seenTypes.add(type)) {
            throw error(MALFORMED_ATTRIBUTE_LIST, "attribute " + type + " appears twice");
        }
        readValue(flags, type, attributes.readSlice(length));
    }

    private void readValue(int flags, int type, ByteBuf value) {
        switch (type) {
            case ATTR_ORIGIN -> {
                wellKnown(flags, type, value, 1);
                int code = value.readUnsignedByte();
                if (code > BgpOrigin.INCOMPLETE.wireValue()) {
                    throw error(INVALID_ORIGIN, "ORIGIN " + code);
                }
                origin = BgpOrigin.values()[code];
            }
            case ATTR_AS_PATH -> {
                wellKnown(flags, type, value, -1);
                asPath = readAsPath(value);
            }
            case ATTR_NEXT_HOP -> {
                wellKnown(flags, type, value, 4);
                nextHop = (Inet4Address) readAddress(value, 4);
            }
            case ATTR_LOCAL_PREF -> {
                wellKnown(flags, type, value, 4);
                localPref = OptionalLong.of(value.readUnsignedInt());
            }
            case ATTR_MULTI_EXIT_DISC -> multiExitDisc = OptionalLong.of(optional(flags, type, value, 4).readUnsignedInt());
            case ATTR_COMMUNITIES -> {
                if (optional(flags, type, value, -1).readableBytes() % 4 != 0) {
                    throw error(ATTRIBUTE_LENGTH_ERROR, "COMMUNITIES of " + value.readableBytes() + " bytes");
                }
                while (value.isReadable()) {
                    communities.add(value.readUnsignedInt());
                }
            }
            case ATTR_MP_REACH_NLRI -> mpReach = readMpReach(optional(flags, type, value, -1));
            case ATTR_MP_UNREACH_NLRI -> mpUnreach = readMpUnreach(optional(flags, type, value, -1));
            default -> {
                if ((flags & FLAG_OPTIONAL) == 0) {
                    throw new BgpNotificationException(UPDATE_MESSAGE_ERROR, UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE,
                            new byte[] {(byte) flags, (byte) type}, "unrecognized well-known attribute " + type);
                }
                unknown.add(new BgpRawAttribute(flags, type, BgpMessageDecoder.bytes(value)));
            }
        }
    }

    /** Checks a well-known attribute's flags (transitive, not optional) and, when not -1, its exact length. */
    private static void wellKnown(int flags, int type, ByteBuf value, int expectedLength) {
        if ((flags & (FLAG_OPTIONAL | FLAG_TRANSITIVE)) != FLAG_TRANSITIVE) {
            throw error(ATTRIBUTE_FLAGS_ERROR, "flags " + Integer.toHexString(flags) + " on well-known attribute " + type);
        }
        checkLength(type, value, expectedLength);
    }

    private static ByteBuf optional(int flags, int type, ByteBuf value, int expectedLength) {
        if ((flags & FLAG_OPTIONAL) == 0) {
            throw error(ATTRIBUTE_FLAGS_ERROR, "flags " + Integer.toHexString(flags) + " on optional attribute " + type);
        }
        checkLength(type, value, expectedLength);
        return value;
    }

    private static void checkLength(int type, ByteBuf value, int expectedLength) {
        if (expectedLength >= 0 && value.readableBytes() != expectedLength) {
            throw error(ATTRIBUTE_LENGTH_ERROR, "attribute " + type + " has " + value.readableBytes() + " bytes");
        }
    }

    private BgpAsPath readAsPath(ByteBuf value) {
        int asnBytes = fourOctetAs ? 4 : 2;
        List<BgpAsPath.Segment> segments = new ArrayList<>();
        while (value.isReadable()) {
            if (value.readableBytes() < 2) {
                throw error(MALFORMED_AS_PATH, "truncated AS_PATH segment header");
            }
            int segmentType = value.readUnsignedByte();
            int count = value.readUnsignedByte();
            if (segmentType < 1 || segmentType > 4 || count == 0 || value.readableBytes() < count * asnBytes) {
                throw error(MALFORMED_AS_PATH, "AS_PATH segment type " + segmentType + " with " + count + " ASNs");
            }
            List<Long> asns = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                asns.add(fourOctetAs ? value.readUnsignedInt() : value.readUnsignedShort());
            }
            segments.add(new BgpAsPath.Segment(segmentType, asns));
        }
        return new BgpAsPath(fourOctetAs, segments);
    }

    private static BgpMpReach readMpReach(ByteBuf value) {
        BgpAddressFamily family = readFamily(value, 5);
        int nextHopLength = value.readUnsignedByte();
        int size = family.addressBytes();
        if ((nextHopLength != size && nextHopLength != 2 * size) || value.readableBytes() < nextHopLength + 1) {
            throw error(OPTIONAL_ATTRIBUTE_ERROR, "MP_REACH_NLRI next hop of " + nextHopLength + " bytes");
        }
        List<InetAddress> nextHops = new ArrayList<>();
        for (int i = 0; i < nextHopLength / size; i++) {
            nextHops.add(readAddress(value, size));
        }
        value.skipBytes(1);
        return new BgpMpReach(family, nextHops, readPrefixes(value, family));
    }

    private static BgpMpUnreach readMpUnreach(ByteBuf value) {
        BgpAddressFamily family = readFamily(value, 3);
        return new BgpMpUnreach(family, readPrefixes(value, family));
    }

    private static BgpAddressFamily readFamily(ByteBuf value, int minimumLength) {
        if (value.readableBytes() < minimumLength) {
            throw error(OPTIONAL_ATTRIBUTE_ERROR, "truncated multiprotocol attribute");
        }
        int afi = value.readUnsignedShort();
        int safi = value.readUnsignedByte();
        return BgpAddressFamily.fromWire(afi, safi)
                .orElseThrow(() -> error(OPTIONAL_ATTRIBUTE_ERROR, "AFI " + afi + " SAFI " + safi + " was not negotiated"));
    }

    private static List<BgpPrefix> readPrefixes(ByteBuf in, BgpAddressFamily family) {
        List<BgpPrefix> prefixes = new ArrayList<>();
        while (in.isReadable()) {
            int length = in.readUnsignedByte();
            int bytes = (length + 7) / 8;
            if (length > family.addressBytes() * 8 || bytes > in.readableBytes()) {
                throw error(INVALID_NETWORK_FIELD, "prefix of length " + length + " in " + family);
            }
            byte[] address = new byte[family.addressBytes()];
            in.readBytes(address, 0, bytes);
            prefixes.add(new BgpPrefix(BgpMessageDecoder.address(address), length));
        }
        return prefixes;
    }

    private static InetAddress readAddress(ByteBuf value, int size) {
        byte[] address = new byte[size];
        value.readBytes(address);
        return BgpMessageDecoder.address(address);
    }

    private static BgpNotificationException missing(int type) {
        return new BgpNotificationException(UPDATE_MESSAGE_ERROR, MISSING_WELL_KNOWN_ATTRIBUTE, new byte[] {(byte) type},
                "missing well-known attribute " + type);
    }

    private static BgpNotificationException error(int subcode, String message) {
        return new BgpNotificationException(UPDATE_MESSAGE_ERROR, subcode, message);
    }
}
