package io.vippy.bfd;

import io.vippy.netlink.NetworkNamespace;
import io.vippy.netlink.TtlUdpSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Reads BFD packets from one well-known port (3784 single hop, 4784 multihop) on a thread of its own in the
 * network namespace, because the received TTL is needed (GTSM) and Netty's epoll transport does not report it.
 * Each datagram is handed on as it came; the checks happen on the BFD event loop.
 */
final class BfdReceiver implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(BfdReceiver.class);
    /** Larger than any BFD packet (255 bytes), so that an oversized datagram is seen whole and refused. */
    static final int DATAGRAM_CAPACITY = 512;
    private static final Duration BIND_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(2);

    /** One datagram as the kernel delivered it. */
    record Datagram(InetSocketAddress source, int ttl, byte[] payload, boolean truncated, boolean multihop) {
    }

    private final InetSocketAddress local;
    private final boolean multihop;
    private final Consumer<Datagram> handoff;
    private final Thread thread;
    private final CompletableFuture<TtlUdpSocket> bound = new CompletableFuture<>();

    private BfdReceiver(NetworkNamespace namespace, InetSocketAddress local, boolean multihop, Consumer<Datagram> handoff) {
        this.local = local;
        this.multihop = multihop;
        this.handoff = handoff;
        this.thread = namespace.threadFactory("vippy-bfd-rx-" + local.getPort()).newThread(this::receiveUntilClosed);
    }

    /** Binds {@code local} inside the namespace and starts handing datagrams to {@code handoff}. */
    static BfdReceiver start(NetworkNamespace namespace, InetSocketAddress local, boolean multihop,
            Consumer<Datagram> handoff) {
        BfdReceiver receiver = new BfdReceiver(namespace, local, multihop, handoff);
        receiver.thread.start();
        try {
            receiver.bound.get(BIND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return receiver;
        } catch (Exception e) {
            receiver.close();
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("BFD: cannot receive on UDP " + local + ": " + cause.getMessage(), cause);
        }
    }

    private void receiveUntilClosed() {
        TtlUdpSocket socket;
        try {
            socket = TtlUdpSocket.bind(local, DATAGRAM_CAPACITY);
        } catch (RuntimeException e) {
            bound.completeExceptionally(e);
            return;
        }
        bound.complete(socket);
        ByteBuffer buffer = ByteBuffer.allocate(DATAGRAM_CAPACITY);
        try (socket) {
            while (true) {
                buffer.clear();
                Optional<TtlUdpSocket.Datagram> received = socket.receive(buffer);
                if (received.isEmpty()) {
                    return;
                }
                byte[] payload = new byte[buffer.position()];
                buffer.flip().get(payload);
                TtlUdpSocket.Datagram datagram = received.get();
                handoff.accept(new Datagram(datagram.source(), datagram.ttl(), payload, datagram.truncated(), multihop));
            }
        } catch (RuntimeException e) {
            LOG.errorf("BFD: receiving on UDP %s stopped: %s", local, e.toString());
        }
    }

    @Override
    public void close() {
        bound.thenAccept(TtlUdpSocket::shutdown);
        try {
            thread.join(STOP_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
