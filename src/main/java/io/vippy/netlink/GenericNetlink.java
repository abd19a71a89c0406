package io.vippy.netlink;

/**
 * Generic netlink ({@code linux/genetlink.h}): the 4-byte {@code genlmsghdr} after the netlink header,
 * and the controller that maps a family name such as "IPVS" to the message type to use for it.
 */
public final class GenericNetlink {
    public static final int HEADER_LENGTH = 4;
    static final int CONTROLLER_ID = 0x10;
    static final int CTRL_CMD_GETFAMILY = 3;
    static final int CTRL_ATTR_FAMILY_ID = 1;
    static final int CTRL_ATTR_FAMILY_NAME = 2;

    private GenericNetlink() {
    }

    /** A request to a family: {@code genlmsghdr} with command and version, attributes to follow. */
    public static NetlinkMessageBuilder request(int familyId, int command, int version) {
        // struct genlmsghdr { u8 cmd; u8 version; u16 reserved; }
        return new NetlinkMessageBuilder(familyId, 0).put8(command).put8(version).put16(0);
    }

    /** CTRL_CMD_GETFAMILY for one family name. */
    static NetlinkMessageBuilder familyRequest(String familyName) {
        return request(CONTROLLER_ID, CTRL_CMD_GETFAMILY, 1).attributeString(CTRL_ATTR_FAMILY_NAME, familyName);
    }

    /** The genl command of a received message. */
    public static int command(NetlinkMessage message) {
        if (message.payload().length < HEADER_LENGTH) {
            throw new NetlinkDecodingException("generic netlink message of " + message.payload().length
                    + " bytes has no genlmsghdr");
        }
        return Byte.toUnsignedInt(message.payload()[0]);
    }

    /** The attributes after the genlmsghdr. */
    public static NetlinkAttributes attributes(NetlinkMessage message) {
        return message.attributes(HEADER_LENGTH);
    }

    /**
     * The family's id (the netlink message type for it). A family whose module is not loaded gives
     * {@link NativeException} with ENOENT.
     */
    public static int resolveFamily(NetlinkSocket socket, String familyName) {
        String operation = "resolve generic netlink family " + familyName;
        for (NetlinkMessage reply : socket.request(familyRequest(familyName), operation)) {
            NetlinkAttributes attributes = attributes(reply);
            if (attributes.has(CTRL_ATTR_FAMILY_ID)) {
                return attributes.u16(CTRL_ATTR_FAMILY_ID);
            }
        }
        throw new NetlinkDecodingException(operation + ": the controller's answer has no CTRL_ATTR_FAMILY_ID");
    }
}
