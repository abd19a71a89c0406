package io.vippy.bgp.codec;

import static io.vippy.bgp.codec.BgpConstants.*;
import static io.vippy.bgp.codec.BgpNotificationCodes.*;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Parses one framed message (from {@link BgpFrameDecoder}) into a {@link BgpMessage}. Any violation becomes a
 * {@link BgpNotificationException} with the code and subcode RFC 4271 §6 prescribes. Holds one piece of
 * session state: whether AS_PATH carries 4-octet ASNs, known once both OPENs are exchanged.
 */
public final class BgpMessageDecoder extends MessageToMessageDecoder<ByteBuf> {
    private boolean fourOctetAs;

    /** Switches AS_PATH parsing to 4-octet ASNs; the session calls it on its event loop after the OPENs. */
    public void fourOctetAs(boolean fourOctetAs) {
        this.fourOctetAs = fourOctetAs;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
        out.add(decode(frame));
    }

    /** Parses a whole message, header included; consumes the buffer. */
    public BgpMessage decode(ByteBuf frame) {
        frame.skipBytes(MARKER_LENGTH);
        int length = frame.readUnsignedShort();
        int typeValue = frame.readUnsignedByte();
        BgpMessageType type = BgpMessageType.fromWire(typeValue);
        if (type == null) {
            throw new BgpNotificationException(MESSAGE_HEADER_ERROR, BAD_MESSAGE_TYPE, new byte[] {(byte) typeValue},
                    "unknown message type " + typeValue);
        }
        if (length != frame.readableBytes() + HEADER_LENGTH || !lengthFits(type, length)) {
            throw new BgpNotificationException(MESSAGE_HEADER_ERROR, BAD_MESSAGE_LENGTH,
                    new byte[] {(byte) (length >> 8), (byte) length}, "bad length " + length + " for " + type);
        }
        return switch (type) {
            case OPEN -> decodeOpen(frame);
            case UPDATE -> new BgpUpdateDecoder(frame, fourOctetAs).decode();
            case NOTIFICATION -> decodeNotification(frame);
            case KEEPALIVE -> BgpKeepaliveMessage.INSTANCE;
            case ROUTE_REFRESH -> decodeRouteRefresh(frame);
        };
    }

    private static boolean lengthFits(BgpMessageType type, int length) {
        return switch (type) {
            case OPEN -> length >= MIN_OPEN_LENGTH;
            case UPDATE -> length >= MIN_UPDATE_LENGTH;
            case NOTIFICATION -> length >= MIN_NOTIFICATION_LENGTH;
            case KEEPALIVE -> length == HEADER_LENGTH;
            case ROUTE_REFRESH -> length == ROUTE_REFRESH_LENGTH;
        };
    }

    private static BgpNotificationMessage decodeNotification(ByteBuf body) {
        int code = body.readUnsignedByte();
        int subcode = body.readUnsignedByte();
        byte[] data = new byte[body.readableBytes()];
        body.readBytes(data);
        return new BgpNotificationMessage(code, subcode, ByteBuffer.wrap(data));
    }

    private static BgpRouteRefreshMessage decodeRouteRefresh(ByteBuf body) {
        int afi = body.readUnsignedShort();
        body.skipBytes(1);
        return new BgpRouteRefreshMessage(afi, body.readUnsignedByte());
    }

    private static BgpOpenMessage decodeOpen(ByteBuf body) {
        int version = body.readUnsignedByte();
        if (version != VERSION) {
            throw new BgpNotificationException(OPEN_MESSAGE_ERROR, UNSUPPORTED_VERSION, new byte[] {0, VERSION},
                    "unsupported BGP version " + version);
        }
        int myAs = body.readUnsignedShort();
        int holdTime = body.readUnsignedShort();
        if (holdTime == 1 || holdTime == 2) {
            throw new BgpNotificationException(OPEN_MESSAGE_ERROR, UNACCEPTABLE_HOLD_TIME, "hold time " + holdTime + " s");
        }
        byte[] identifier = new byte[4];
        body.readBytes(identifier);
        if (identifier[0] == 0 && identifier[1] == 0 && identifier[2] == 0 && identifier[3] == 0) {
            throw new BgpNotificationException(OPEN_MESSAGE_ERROR, BAD_BGP_IDENTIFIER, "BGP identifier 0.0.0.0");
        }
        int parametersLength = body.readUnsignedByte();
        if (parametersLength != body.readableBytes()) {
            throw openError("optional parameters length " + parametersLength + " but " + body.readableBytes() + " bytes follow");
        }
        Capabilities capabilities = new Capabilities();
        while (body.isReadable()) {
            int parameterType = body.readUnsignedByte();
            int parameterLength = readLength(body);
            if (parameterType != OPTIONAL_PARAMETER_CAPABILITIES) {
                throw new BgpNotificationException(OPEN_MESSAGE_ERROR, UNSUPPORTED_OPTIONAL_PARAMETER,
                        "optional parameter type " + parameterType);
            }
            capabilities.read(body.readSlice(parameterLength));
        }
        return new BgpOpenMessage(version, myAs, holdTime, (Inet4Address) address(identifier), capabilities.multiprotocol,
                capabilities.fourOctetAs, capabilities.routeRefresh, capabilities.gracefulRestart, capabilities.other);
    }

    private static int readLength(ByteBuf body) {
        if (!body.isReadable()) {
            throw openError("optional parameter without length");
        }
        int length = body.readUnsignedByte();
        if (length > body.readableBytes()) {
            throw openError("optional parameter of " + length + " bytes overruns the OPEN");
        }
        return length;
    }

    /** The capabilities of an OPEN, collected while reading Capabilities parameters (RFC 5492). */
    private static final class Capabilities {
        final Set<BgpAddressFamily> multiprotocol = EnumSet.noneOf(BgpAddressFamily.class);
        final List<BgpCapability> other = new ArrayList<>();
        OptionalLong fourOctetAs = OptionalLong.empty();
        boolean routeRefresh;
        Optional<BgpGracefulRestart> gracefulRestart = Optional.empty();

        void read(ByteBuf parameter) {
            while (parameter.isReadable()) {
                int code = parameter.readUnsignedByte();
                ByteBuf value = parameter.readSlice(readLength(parameter));
                read(code, value);
            }
        }

        private void read(int code, ByteBuf value) {
            int length = value.readableBytes();
            if (code == CAPABILITY_MULTIPROTOCOL && length == 4) {
                Optional<BgpAddressFamily> family = BgpAddressFamily.fromWire(
                        value.getUnsignedShort(value.readerIndex()), value.getUnsignedByte(value.readerIndex() + 3));
                if (family.isPresent()) {
                    multiprotocol.add(family.get());
                } else {
                    other.add(new BgpCapability(code, bytes(value)));
                }
            } else if (code == CAPABILITY_ROUTE_REFRESH && length == 0) {
                routeRefresh = true;
            } else if (code == CAPABILITY_FOUR_OCTET_AS && length == 4) {
                fourOctetAs = OptionalLong.of(value.readUnsignedInt());
            } else if (code == CAPABILITY_GRACEFUL_RESTART && length >= 2 && length % 4 == 2) {
                gracefulRestart = Optional.of(readGracefulRestart(value));
            } else if (code == CAPABILITY_MULTIPROTOCOL || code == CAPABILITY_FOUR_OCTET_AS
                    || code == CAPABILITY_GRACEFUL_RESTART) {
                throw openError("capability " + code + " with bad length " + length);
            } else {
                other.add(new BgpCapability(code, bytes(value)));
            }
        }

        private static BgpGracefulRestart readGracefulRestart(ByteBuf value) {
            int flagsAndTime = value.readUnsignedShort();
            List<BgpGracefulRestart.Family> families = new ArrayList<>();
            while (value.isReadable()) {
                int afi = value.readUnsignedShort();
                int safi = value.readUnsignedByte();
                boolean forwarding = (value.readUnsignedByte() & GRACEFUL_RESTART_FORWARDING_BIT) != 0;
                BgpAddressFamily.fromWire(afi, safi)
                        .ifPresent(family -> families.add(new BgpGracefulRestart.Family(family, forwarding)));
            }
            return new BgpGracefulRestart((flagsAndTime & GRACEFUL_RESTART_STATE_BIT) != 0,
                    flagsAndTime & GRACEFUL_RESTART_TIME_MASK, families);
        }
    }

    private static BgpNotificationException openError(String message) {
        return new BgpNotificationException(OPEN_MESSAGE_ERROR, UNSPECIFIC, message);
    }

    static ByteBuffer bytes(ByteBuf value) {
        byte[] bytes = new byte[value.readableBytes()];
        value.readBytes(bytes);
        return ByteBuffer.wrap(bytes);
    }

    static InetAddress address(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("address of " + bytes.length + " bytes", e);
        }
    }
}
