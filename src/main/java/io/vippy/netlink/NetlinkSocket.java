package io.vippy.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A netlink socket to the kernel. It belongs to the network namespace of the thread that opened it and is
 * not thread-safe: one request at a time, each answered before the next is sent.
 */
public final class NetlinkSocket implements AutoCloseable {
    public static final int NETLINK_ROUTE = 0;
    public static final int NETLINK_NETFILTER = 12;
    public static final int NETLINK_GENERIC = 16;

    private static final int SOCKET_BUFFER_BYTES = 1 << 20;
    /** The kernel sends dump batches of at most 32 KiB; twice that leaves room for one large message. */
    private static final int READ_BYTES = 64 * 1024;
    private static final int REPLY_TIMEOUT_SECONDS = 5;
    private static final int DUMP_ATTEMPTS = 3;

    private final int fd;
    private final byte[] readBuffer = new byte[READ_BYTES];
    private int sequence;
    private boolean closed;

    private NetlinkSocket(int fd) {
        this.fd = fd;
    }

    /** Opens and binds a socket for {@code protocol} ({@link #NETLINK_ROUTE}, {@link #NETLINK_GENERIC}). */
    public static NetlinkSocket open(int protocol) {
        int fd = LibC.check(LibC.INSTANCE.socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, protocol),
                "socket(AF_NETLINK, " + protocol + ")");
        NetlinkSocket socket = new NetlinkSocket(fd);
        try {
            socket.configure();
            return socket;
        } catch (RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private void configure() {
        setOption(LibC.SOL_SOCKET, LibC.SO_SNDBUF, LibC.intValue(SOCKET_BUFFER_BYTES), "SO_SNDBUF");
        setOption(LibC.SOL_SOCKET, LibC.SO_RCVBUF, LibC.intValue(SOCKET_BUFFER_BYTES), "SO_RCVBUF");
        // struct timeval { long tv_sec; long tv_usec; }: a lost reply becomes EAGAIN, not a hung thread.
        byte[] timeout = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder())
                .putLong(REPLY_TIMEOUT_SECONDS).putLong(0).array();
        setOption(LibC.SOL_SOCKET, LibC.SO_RCVTIMEO, timeout, "SO_RCVTIMEO");
        setOption(LibC.SOL_NETLINK, LibC.NETLINK_CAP_ACK, LibC.intValue(1), "NETLINK_CAP_ACK");
        setOption(LibC.SOL_NETLINK, LibC.NETLINK_EXT_ACK, LibC.intValue(1), "NETLINK_EXT_ACK");
        // struct sockaddr_nl { u16 family; u16 pad; u32 pid (0: kernel assigns); u32 groups; }
        byte[] address = ByteBuffer.allocate(12).order(ByteOrder.nativeOrder())
                .putShort((short) LibC.AF_NETLINK).array();
        LibC.check(LibC.INSTANCE.bind(fd, address, address.length), "bind netlink socket");
    }

    /**
     * Sends a request with an acknowledgement asked for, and returns the replies that came before the
     * acknowledgement (a GET's answer; none for a change). A kernel error throws {@link NativeException}.
     */
    public List<NetlinkMessage> request(NetlinkMessageBuilder message, String operation) {
        return exchange(message, NetlinkConstants.NLM_F_REQUEST | NetlinkConstants.NLM_F_ACK, operation);
    }

    /** Sends a dump request and returns every message up to NLMSG_DONE; an interrupted dump is redone. */
    public List<NetlinkMessage> dump(NetlinkMessageBuilder message, String operation) {
        for (int attempt = 1; ; attempt++) {
            List<NetlinkMessage> replies = exchange(message,
                    NetlinkConstants.NLM_F_REQUEST | NetlinkConstants.NLM_F_DUMP, operation);
            boolean interrupted = replies.stream().anyMatch(m -> (m.flags() & NetlinkConstants.NLM_F_DUMP_INTR) != 0);
            if (!interrupted) {
                return replies;
            }
            if (attempt == DUMP_ATTEMPTS) {
                throw new NativeException(operation, NativeException.EBUSY, "the kernel's state kept changing during "
                        + DUMP_ATTEMPTS + " dumps (NLM_F_DUMP_INTR)");
            }
        }
    }

    private List<NetlinkMessage> exchange(NetlinkMessageBuilder message, int flags, String operation) {
        ensureOpen(operation);
        int expected = ++sequence;
        byte[] request = message.encode(expected, flags);
        long sent = LibC.retryingOnInterrupt(() -> LibC.INSTANCE.send(fd, request, request.length, 0),
                "send " + operation);
        if (sent != request.length) {
            throw new NativeException("send " + operation + " (short write)", NativeException.EINVAL);
        }
        List<NetlinkMessage> replies = new ArrayList<>();
        while (true) {
            for (NetlinkMessage reply : receive(operation)) {
                if (reply.sequence() != expected) {
                    continue; // a late answer to an earlier request that failed half-way
                }
                switch (reply.type()) {
                    case NetlinkConstants.NLMSG_ERROR -> {
                        NetlinkErrorMessage error = NetlinkErrorMessage.decode(reply);
                        if (!error.isAck()) {
                            throw error.explanation()
                                    .map(text -> new NativeException(operation, -error.error(), text))
                                    .orElseGet(() -> new NativeException(operation, -error.error()));
                        }
                        return replies;
                    }
                    case NetlinkConstants.NLMSG_DONE -> {
                        return replies;
                    }
                    case NetlinkConstants.NLMSG_NOOP -> {
                    }
                    case NetlinkConstants.NLMSG_OVERRUN -> throw new NativeException(operation, NativeException.ENOBUFS);
                    default -> replies.add(reply);
                }
            }
        }
    }

    private List<NetlinkMessage> receive(String operation) {
        long length = LibC.retryingOnInterrupt(
                () -> LibC.INSTANCE.recv(fd, readBuffer, readBuffer.length, LibC.MSG_TRUNC), "recv " + operation);
        if (length > readBuffer.length) {
            throw new NetlinkDecodingException(operation + ": a " + length + "-byte reply exceeds the "
                    + readBuffer.length + "-byte read buffer");
        }
        return NetlinkMessageDecoder.decode(ByteBuffer.wrap(readBuffer, 0, (int) length));
    }

    private void setOption(int level, int option, byte[] value, String name) {
        LibC.check(LibC.INSTANCE.setsockopt(fd, level, option, value, value.length), "setsockopt " + name);
    }

    private void ensureOpen(String operation) {
        if (closed) {
            throw new NativeException(operation, NativeException.EBADF, "the netlink socket is closed");
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            LibC.check(LibC.INSTANCE.close(fd), "close netlink socket");
        }
    }
}
