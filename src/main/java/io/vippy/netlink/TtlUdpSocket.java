package io.vippy.netlink;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Optional;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * A UDP socket that reports the TTL (IPv4) or hop limit (IPv6) each datagram arrived with, which the JDK and
 * Netty's epoll transport do not: {@code IP_RECVTTL} / {@code IPV6_RECVHOPLIMIT} and {@code recvmsg} control
 * messages. For protocols that check the TTL (GTSM, RFC 5082; BFD, RFC 5881). One thread receives, blocking in
 * {@link #receive}, and closes the socket when done; {@link #shutdown} from another thread wakes it. The socket
 * belongs to the network namespace of the thread that binds it.
 */
public final class TtlUdpSocket implements AutoCloseable {
    /** One received datagram: {@code length} bytes are in the caller's buffer; {@code truncated} if more came. */
    public record Datagram(InetSocketAddress source, int ttl, int length, boolean truncated) {
    }

    // struct msghdr on LP64: name, namelen (padded), iov, iovlen, control, controllen, flags (padded).
    private static final int MSGHDR_BYTES = 56;
    private static final int IOVEC_BYTES = 16;
    private static final int NAME_BYTES = 28;
    private static final int CONTROL_BYTES = 64;
    /** cmsghdr: size_t len, int level, int type, then the data. */
    private static final int CMSG_HEADER_BYTES = 16;
    private static final int MSG_TRUNC = 0x20;

    private final int fd;
    private final int capacity;
    private final Pointer message;
    private final Pointer iovec;
    private final Pointer name;
    private final Pointer control;
    private final Pointer buffer;
    private volatile boolean closed;

    private TtlUdpSocket(int fd, int capacity) {
        Runtime runtime = Runtime.getRuntime(LibC.INSTANCE);
        this.fd = fd;
        this.capacity = capacity;
        this.message = Memory.allocateDirect(runtime, MSGHDR_BYTES, true);
        this.iovec = Memory.allocateDirect(runtime, IOVEC_BYTES, true);
        this.name = Memory.allocateDirect(runtime, NAME_BYTES, true);
        this.control = Memory.allocateDirect(runtime, CONTROL_BYTES, true);
        this.buffer = Memory.allocateDirect(runtime, capacity, true);
    }

    /**
     * Binds {@code local} (a wildcard address takes every address of its family; IPv6 sockets take IPv6 only)
     * with the received TTL reported. Datagrams longer than {@code capacity} are reported truncated.
     */
    public static TtlUdpSocket bind(InetSocketAddress local, int capacity) {
        boolean ipv6 = local.getAddress() instanceof Inet6Address;
        int fd = LibC.check(LibC.INSTANCE.socket(ipv6 ? LibC.AF_INET6 : LibC.AF_INET, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0),
                "socket(UDP)");
        TtlUdpSocket socket = new TtlUdpSocket(fd, capacity);
        try {
            socket.setOption(LibC.SOL_SOCKET, LibC.SO_REUSEADDR, "SO_REUSEADDR");
            if (ipv6) {
                socket.setOption(LibC.IPPROTO_IPV6, LibC.IPV6_V6ONLY, "IPV6_V6ONLY");
                socket.setOption(LibC.IPPROTO_IPV6, LibC.IPV6_RECVHOPLIMIT, "IPV6_RECVHOPLIMIT");
            } else {
                socket.setOption(LibC.IPPROTO_IP, LibC.IP_RECVTTL, "IP_RECVTTL");
            }
            byte[] address = socketAddress(local);
            LibC.check(LibC.INSTANCE.bind(fd, address, address.length), "bind UDP " + local);
            return socket;
        } catch (RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private void setOption(int level, int option, String optionName) {
        byte[] on = LibC.intValue(1);
        LibC.check(LibC.INSTANCE.setsockopt(fd, level, option, on, on.length), "setsockopt " + optionName);
    }

    /**
     * Waits for the next datagram and copies its payload (at most the capacity) into {@code into}, from its
     * position. Empty once the socket is shut down.
     */
    public Optional<Datagram> receive(ByteBuffer into) {
        if (closed) {
            return Optional.empty();
        }
        iovec.putAddress(0, buffer.address());
        iovec.putLong(8, capacity);
        message.putAddress(0, name.address());
        message.putInt(8, NAME_BYTES);
        message.putAddress(16, iovec.address());
        message.putLong(24, 1);
        message.putAddress(32, control.address());
        message.putLong(40, CONTROL_BYTES);
        message.putInt(48, 0);
        long length = LibC.retryingOnInterrupt(() -> LibC.INSTANCE.recvmsg(fd, message, MSG_TRUNC), "recvmsg UDP");
        if (closed) {
            return Optional.empty(); // woken by shutdown(): recvmsg returns 0
        }
        int copied = (int) Math.min(length, capacity);
        byte[] payload = new byte[copied];
        buffer.get(0, payload, 0, copied);
        into.put(payload);
        boolean truncated = length > capacity || (message.getInt(48) & MSG_TRUNC) != 0;
        return Optional.of(new Datagram(source(), receivedTtl(), (int) length, truncated));
    }

    /** The TTL or hop limit control message; -1 when the kernel sent none (it always does once asked). */
    private int receivedTtl() {
        long controlLength = message.getLong(40);
        for (long at = 0; at + CMSG_HEADER_BYTES <= controlLength; ) {
            long length = control.getLong(at);
            int level = control.getInt(at + 8);
            int type = control.getInt(at + 12);
            if ((level == LibC.IPPROTO_IP && type == LibC.IP_TTL) || (level == LibC.IPPROTO_IPV6 && type == LibC.IPV6_HOPLIMIT)) {
                return control.getInt(at + CMSG_HEADER_BYTES);
            }
            if (length < CMSG_HEADER_BYTES) {
                break;
            }
            at += (length + 7) & ~7L;
        }
        return -1;
    }

    private InetSocketAddress source() {
        byte[] raw = new byte[NAME_BYTES];
        name.get(0, raw, 0, NAME_BYTES);
        ByteBuffer sockaddr = ByteBuffer.wrap(raw);
        int family = sockaddr.order(ByteOrder.nativeOrder()).getShort(0);
        int port = sockaddr.order(ByteOrder.BIG_ENDIAN).getShort(2) & 0xffff;
        try {
            InetAddress address = family == LibC.AF_INET6 ? InetAddress.getByAddress(Arrays.copyOfRange(raw, 8, 24))
                    : InetAddress.getByAddress(Arrays.copyOfRange(raw, 4, 8));
            return new InetSocketAddress(address, port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** struct sockaddr_in / sockaddr_in6: family in native order, port in network order, then the address. */
    private static byte[] socketAddress(InetSocketAddress local) {
        boolean ipv4 = local.getAddress() instanceof Inet4Address;
        ByteBuffer address = ByteBuffer.allocate(ipv4 ? 16 : 28);
        address.order(ByteOrder.nativeOrder()).putShort((short) (ipv4 ? LibC.AF_INET : LibC.AF_INET6));
        address.order(ByteOrder.BIG_ENDIAN).putShort((short) local.getPort());
        if (!ipv4) {
            address.putInt(0); // flow info
        }
        address.put(local.getAddress().getAddress());
        return address.array();
    }

    /**
     * Makes a blocked or later {@link #receive} return empty. {@code shutdown} on an unconnected UDP socket
     * reports ENOTCONN but still marks it shut and wakes the reader, which is all it is for here.
     */
    public void shutdown() {
        if (!closed) {
            closed = true;
            LibC.INSTANCE.shutdown(fd, LibC.SHUT_RDWR);
        }
    }

    /** Releases the descriptor: by the receiving thread, once it is done (closing under a blocked call races). */
    @Override
    public void close() {
        shutdown();
        LibC.INSTANCE.close(fd);
    }
}
