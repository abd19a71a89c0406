package io.vippy.netlink;

import io.vippy.core.AddressBinder;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;

/**
 * Puts load-balancer addresses on {@code lo} as host routes (/32, /128) over rtnetlink, the way
 * {@code ip addr add ADDR dev lo} does. The socket opens on the first calling thread (the kernel thread).
 */
@ApplicationScoped
public class RtnetlinkAddressBinder implements AddressBinder {
    /** The loopback device is the first device of every network namespace. */
    static final int LOOPBACK_INDEX = 1;

    private final ThreadBoundNetlinkSocket socket = new ThreadBoundNetlinkSocket(NetlinkSocket.NETLINK_ROUTE);

    @Override
    public void bind(InetAddress address) {
        // A fresh namespace has lo down, and then nothing on it answers; setting IFF_UP again is a no-op.
        socket.get().request(RtnetlinkEncoder.setLinkUp(LOOPBACK_INDEX), "set lo up");
        try {
            socket.get().request(RtnetlinkEncoder.newHostAddress(address, LOOPBACK_INDEX), "add " + address.getHostAddress()
                    + " to lo");
        } catch (NativeException e) {
            if (!e.isAlreadyExists()) {
                throw e;
            }
        }
    }

    @Override
    public void unbind(InetAddress address) {
        try {
            socket.get().request(RtnetlinkEncoder.deleteHostAddress(address, LOOPBACK_INDEX), "delete "
                    + address.getHostAddress() + " from lo");
        } catch (NativeException e) {
            if (!e.isNotFound()) {
                throw e;
            }
        }
    }

    @PreDestroy
    void close() {
        socket.close();
    }
}
