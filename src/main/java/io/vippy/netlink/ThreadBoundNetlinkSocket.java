package io.vippy.netlink;

import java.util.List;
import java.util.function.Function;

/**
 * A netlink socket opened lazily by the first thread that needs it, so that it lands in that thread's
 * network namespace (the kernel thread, which entered {@code vippy.netns}). Use from another thread is a
 * bug that would silently act on the wrong namespace, so it throws instead.
 */
public final class ThreadBoundNetlinkSocket implements AutoCloseable {
    private final int protocol;
    private NetlinkSocket socket;
    private Thread owner;

    public ThreadBoundNetlinkSocket(int protocol) {
        this.protocol = protocol;
    }

    public synchronized NetlinkSocket get() {
        Thread current = Thread.currentThread();
        if (socket == null) {
            socket = NetlinkSocket.open(protocol);
            owner = current;
        } else if (owner != current) {
            throw new IllegalStateException("netlink socket was opened on thread " + owner.getName()
                    + " (and its network namespace) but is used from " + current.getName());
        }
        return socket;
    }

    /** {@link NetlinkSocket#request} on this thread's socket; see {@link #call} for EPERM. */
    public List<NetlinkMessage> request(NetlinkMessageBuilder message, String operation) {
        return call(socket -> socket.request(message, operation));
    }

    /** {@link NetlinkSocket#dump} on this thread's socket; see {@link #call} for EPERM. */
    public List<NetlinkMessage> dump(NetlinkMessageBuilder message, String operation) {
        return call(socket -> socket.dump(message, operation));
    }

    /**
     * The kernel checks a netlink sender's capabilities against those the socket was opened with, too: a socket
     * opened while CAP_NET_ADMIN was missing is refused forever. So EPERM drops the socket, and the next call
     * opens one with the thread's capabilities of then: a capability granted later takes effect.
     */
    private <T> T call(Function<NetlinkSocket, T> call) {
        try {
            return call.apply(get());
        } catch (NativeException e) {
            if (e.isPermissionDenied()) {
                close();
            }
            throw e;
        }
    }

    @Override
    public synchronized void close() {
        if (socket != null) {
            socket.close();
            socket = null;
            owner = null;
        }
    }
}
