package io.vippy.dataplane.ipvs;

import io.vippy.core.model.PermanentFailure;
import io.vippy.netlink.GenericNetlink;
import io.vippy.netlink.NativeException;
import io.vippy.netlink.NetlinkMessage;
import io.vippy.netlink.NetlinkMessageBuilder;
import io.vippy.netlink.NetlinkSocket;
import io.vippy.netlink.ThreadBoundNetlinkSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * IPVS over generic netlink, one kernel request per call. The socket and the family id are obtained on
 * first use, on the calling thread (and so in its network namespace).
 */
final class IpvsClient implements AutoCloseable {
    private final ThreadBoundNetlinkSocket socket = new ThreadBoundNetlinkSocket(NetlinkSocket.NETLINK_GENERIC);
    private int familyId = -1;
    private long changes;

    /** Every address-based service (fwmark services are skipped). */
    List<IpvsService> services() {
        List<IpvsService> services = new ArrayList<>();
        for (NetlinkMessage reply : socket.dump(IpvsMessageEncoder.getServices(familyId()), "list IPVS services")) {
            IpvsMessageDecoder.decodeService(reply).ifPresent(services::add);
        }
        return services;
    }

    Optional<IpvsService> service(IpvsService identity) {
        try {
            List<NetlinkMessage> replies = socket.request(IpvsMessageEncoder.getService(familyId(), identity),
                    "get IPVS service " + identity);
            return replies.stream().findFirst().flatMap(IpvsMessageDecoder::decodeService);
        } catch (NativeException e) {
            if (e.isNotFound()) {
                return Optional.empty();
            }
            throw e;
        }
    }

    List<IpvsDestination> destinations(IpvsService service) {
        int family = IpvsMessageEncoder.family(service.address());
        return socket.dump(IpvsMessageEncoder.getDestinations(familyId(), service), "list destinations of " + service)
                .stream().map(reply -> IpvsMessageDecoder.decodeDestination(reply, family)).toList();
    }

    void add(IpvsService service) {
        send(IpvsMessageEncoder.newService(familyId(), service), "add IPVS service " + service);
    }

    void update(IpvsService service) {
        send(IpvsMessageEncoder.setService(familyId(), service), "update IPVS service " + service);
    }

    void delete(IpvsService service) {
        send(IpvsMessageEncoder.deleteService(familyId(), service), "delete IPVS service " + service);
    }

    void add(IpvsService service, IpvsDestination destination) {
        send(IpvsMessageEncoder.newDestination(familyId(), service, destination),
                "add real server " + destination + " to " + service);
    }

    void update(IpvsService service, IpvsDestination destination) {
        send(IpvsMessageEncoder.setDestination(familyId(), service, destination),
                "update real server " + destination + " of " + service);
    }

    void delete(IpvsService service, IpvsDestination destination) {
        send(IpvsMessageEncoder.deleteDestination(familyId(), service, destination),
                "delete real server " + destination + " from " + service);
    }

    private void send(NetlinkMessageBuilder message, String operation) {
        socket.request(message, operation);
        changes++;
    }

    /** How many changes the kernel accepted so far: reads are not counted. */
    long changes() {
        return changes;
    }

    /** The IPVS family id; a kernel without IPVS is a permanent failure. */
    private int familyId() {
        if (familyId < 0) {
            try {
                familyId = GenericNetlink.resolveFamily(socket(), IpvsConstants.FAMILY_NAME);
            } catch (NativeException e) {
                if (e.isNotFound()) {
                    throw new PermanentFailure("The kernel has no IPVS (generic netlink family \"IPVS\" not found): "
                            + "load it with \"modprobe ip_vs\", or set vippy.dataplane=nftables.", e);
                }
                throw e;
            }
        }
        return familyId;
    }

    private NetlinkSocket socket() {
        return socket.get();
    }

    @Override
    public void close() {
        socket.close();
    }
}
