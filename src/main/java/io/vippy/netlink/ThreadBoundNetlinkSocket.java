package io.vippy.netlink;

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

    @Override
    public synchronized void close() {
        if (socket != null) {
            socket.close();
            socket = null;
            owner = null;
        }
    }
}
