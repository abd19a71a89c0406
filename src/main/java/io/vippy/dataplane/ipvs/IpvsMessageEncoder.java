package io.vippy.dataplane.ipvs;

import static io.vippy.dataplane.ipvs.IpvsConstants.*;

import io.vippy.netlink.GenericNetlink;
import io.vippy.netlink.NetlinkMessageBuilder;
import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * Builds IPVS generic netlink requests. Stateless; {@code familyId} is the id the controller gave "IPVS".
 * Creating or editing needs the full service (scheduler, flags, timeout, netmask) or the full destination
 * (forwarding, weight, thresholds); deleting and reading need only the identifying attributes.
 */
final class IpvsMessageEncoder {
    private static final int ALL_FLAGS = 0xFFFFFFFF;

    private IpvsMessageEncoder() {
    }

    static NetlinkMessageBuilder newService(int familyId, IpvsService service) {
        return fullService(GenericNetlink.request(familyId, CMD_NEW_SERVICE, VERSION), service);
    }

    static NetlinkMessageBuilder setService(int familyId, IpvsService service) {
        return fullService(GenericNetlink.request(familyId, CMD_SET_SERVICE, VERSION), service);
    }

    static NetlinkMessageBuilder deleteService(int familyId, IpvsService service) {
        return serviceOnly(GenericNetlink.request(familyId, CMD_DEL_SERVICE, VERSION), service);
    }

    /** A dump of every service (no attributes: the kernel lists them all). */
    static NetlinkMessageBuilder getServices(int familyId) {
        return GenericNetlink.request(familyId, CMD_GET_SERVICE, VERSION);
    }

    /** One service; the kernel answers ESRCH if it is absent. */
    static NetlinkMessageBuilder getService(int familyId, IpvsService service) {
        return serviceOnly(GenericNetlink.request(familyId, CMD_GET_SERVICE, VERSION), service);
    }

    /** A dump of the service's destinations (empty, not an error, if the service is absent). */
    static NetlinkMessageBuilder getDestinations(int familyId, IpvsService service) {
        return serviceOnly(GenericNetlink.request(familyId, CMD_GET_DEST, VERSION), service);
    }

    static NetlinkMessageBuilder newDestination(int familyId, IpvsService service, IpvsDestination destination) {
        return fullDestination(GenericNetlink.request(familyId, CMD_NEW_DEST, VERSION), service, destination);
    }

    static NetlinkMessageBuilder setDestination(int familyId, IpvsService service, IpvsDestination destination) {
        return fullDestination(GenericNetlink.request(familyId, CMD_SET_DEST, VERSION), service, destination);
    }

    static NetlinkMessageBuilder deleteDestination(int familyId, IpvsService service, IpvsDestination destination) {
        NetlinkMessageBuilder message = serviceOnly(GenericNetlink.request(familyId, CMD_DEL_DEST, VERSION), service);
        int nest = message.beginNested(CMD_ATTR_DEST);
        destinationIdentity(message, destination);
        return message.endNested(nest);
    }

    private static NetlinkMessageBuilder serviceOnly(NetlinkMessageBuilder message, IpvsService service) {
        int nest = message.beginNested(CMD_ATTR_SERVICE);
        serviceIdentity(message, service);
        return message.endNested(nest);
    }

    private static NetlinkMessageBuilder fullService(NetlinkMessageBuilder message, IpvsService service) {
        int nest = message.beginNested(CMD_ATTR_SERVICE);
        serviceIdentity(message, service);
        message.attributeString(SVC_ATTR_SCHED_NAME, service.scheduler())
                .attribute(SVC_ATTR_FLAGS, flags(service.flags() & ~SVC_F_HASHED))
                .attribute32(SVC_ATTR_TIMEOUT, service.timeout());
        if (service.address() instanceof Inet4Address) {
            message.attribute(SVC_ATTR_NETMASK, new byte[] {-1, -1, -1, -1}); // /32, network order
        } else {
            message.attribute32(SVC_ATTR_NETMASK, 128); // IPv6: the prefix length, host order
        }
        return message.endNested(nest);
    }

    private static void serviceIdentity(NetlinkMessageBuilder message, IpvsService service) {
        message.attribute16(SVC_ATTR_AF, family(service.address()))
                .attribute16(SVC_ATTR_PROTOCOL, service.protocol())
                .attribute(SVC_ATTR_ADDR, service.address().getAddress())
                .attribute16BigEndian(SVC_ATTR_PORT, service.port());
    }

    private static NetlinkMessageBuilder fullDestination(NetlinkMessageBuilder message, IpvsService service,
            IpvsDestination destination) {
        serviceOnly(message, service);
        int nest = message.beginNested(CMD_ATTR_DEST);
        destinationIdentity(message, destination);
        message.attribute16(DEST_ATTR_ADDR_FAMILY, family(destination.address()))
                .attribute32(DEST_ATTR_FWD_METHOD, destination.forwarding().wireValue())
                .attribute32(DEST_ATTR_WEIGHT, destination.weight())
                .attribute32(DEST_ATTR_U_THRESH, destination.upperThreshold())
                .attribute32(DEST_ATTR_L_THRESH, destination.lowerThreshold());
        return message.endNested(nest);
    }

    private static void destinationIdentity(NetlinkMessageBuilder message, IpvsDestination destination) {
        message.attribute(DEST_ATTR_ADDR, destination.address().getAddress())
                .attribute16BigEndian(DEST_ATTR_PORT, destination.port());
    }

    /** struct ip_vs_flags { u32 flags; u32 mask; }: the mask says every flag is being set. */
    private static byte[] flags(int flags) {
        return java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.nativeOrder())
                .putInt(flags).putInt(ALL_FLAGS).array();
    }

    static int family(InetAddress address) {
        return address instanceof Inet4Address ? AF_INET : AF_INET6;
    }
}
