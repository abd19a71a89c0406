package io.vippy.netlink;

import io.quarkus.runtime.StartupEvent;
import io.vippy.core.AddressBinder;
import io.vippy.core.KernelExecutor;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.InetAddress;
import org.jboss.logging.Logger;

/**
 * Puts load-balancer addresses on {@code lo} as host routes (/32, /128) over rtnetlink, the way
 * {@code ip addr add ADDR dev lo} does. The socket opens on the first calling thread (the kernel thread).
 */
@ApplicationScoped
public class RtnetlinkAddressBinder implements AddressBinder {
    /** The loopback device is the first device of every network namespace. */
    static final int LOOPBACK_INDEX = 1;

    private static final Logger LOG = Logger.getLogger(RtnetlinkAddressBinder.class);

    private final ThreadBoundNetlinkSocket socket = new ThreadBoundNetlinkSocket(NetlinkSocket.NETLINK_ROUTE);

    /**
     * Start-up: opens the socket on the kernel thread and sets lo up, as the first bind would, so that the first
     * create does not pay for opening it (and for jnr binding the socket calls on first use).
     */
    void warmUp(@Observes StartupEvent event, KernelExecutor kernel) {
        kernel.execute(() -> {
            try {
                setLoopbackUp();
            } catch (RuntimeException e) {
                LOG.warnf("could not set lo up at start-up (the first bind retries it): %s", e.getMessage());
            }
        });
    }

    private void setLoopbackUp() {
        socket.request(RtnetlinkEncoder.setLinkUp(LOOPBACK_INDEX), "set lo up");
    }

    @Override
    public void bind(InetAddress address) {
        // A fresh namespace has lo down, and then nothing on it answers; setting IFF_UP again is a no-op.
        setLoopbackUp();
        try {
            socket.request(RtnetlinkEncoder.newHostAddress(address, LOOPBACK_INDEX), "add " + address.getHostAddress()
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
            socket.request(RtnetlinkEncoder.deleteHostAddress(address, LOOPBACK_INDEX), "delete "
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
