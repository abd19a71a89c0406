package io.vippy.bgp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vippy.bgp.codec.BgpAddressFamily;
import io.vippy.bgp.codec.BgpMessage;
import io.vippy.bgp.codec.BgpMessageDecoder;
import io.vippy.bgp.codec.BgpMessageEncoder;
import io.vippy.bgp.codec.BgpOpenMessage;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * A scripted BGP peer on a plain blocking socket: the test decides every byte it sends, and reads what the
 * speaker sends with the project's decoder. Every read is bounded by a socket timeout.
 */
final class FakeBgpPeer implements AutoCloseable {
    static final int READ_TIMEOUT_MILLIS = 10_000;

    private final ServerSocket server;
    private Socket socket;
    private DataInputStream in;
    private final BgpMessageDecoder decoder = new BgpMessageDecoder();

    /** Listens on an ephemeral port of {@code address}; create it on a thread inside the wanted namespace. */
    FakeBgpPeer(InetAddress address, int port) {
        try {
            server = new ServerSocket(port, 4, address);
            server.setSoTimeout(READ_TIMEOUT_MILLIS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        decoder.fourOctetAs(true);
    }

    int port() {
        return server.getLocalPort();
    }

    /** Waits for the speaker to connect. */
    void accept() throws IOException {
        socket = server.accept();
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        in = new DataInputStream(socket.getInputStream());
    }

    /** Whether the speaker connects within {@code wait}; if it does, the connection is the one read from. */
    boolean acceptsWithin(Duration wait) throws IOException {
        server.setSoTimeout((int) wait.toMillis());
        try {
            accept();
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } finally {
            server.setSoTimeout(READ_TIMEOUT_MILLIS);
        }
    }

    /** Reads one whole message. */
    BgpMessage read() throws IOException {
        byte[] header = new byte[19];
        in.readFully(header);
        int length = ((header[16] & 0xff) << 8) | (header[17] & 0xff);
        byte[] message = new byte[length];
        System.arraycopy(header, 0, message, 0, 19);
        in.readFully(message, 19, length - 19);
        return decoder.decode(Unpooled.wrappedBuffer(message));
    }

    /** Reads until a message of the given class arrives (skipping KEEPALIVEs and the like). */
    <T extends BgpMessage> T readUntil(Class<T> type) throws IOException {
        for (int i = 0; i < 1000; i++) {
            BgpMessage message = read();
            if (type.isInstance(message)) {
                return type.cast(message);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " in 1000 messages");
    }

    void send(BgpMessage message) throws IOException {
        ByteBuf out = Unpooled.buffer();
        BgpMessageEncoder.INSTANCE.encode(message, out);
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        sendRaw(bytes);
    }

    void sendRaw(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    /** Answers the speaker's OPEN with ours and a KEEPALIVE; returns the speaker's OPEN. */
    BgpOpenMessage establish(long asn, int holdTimeSeconds) throws IOException {
        accept();
        BgpOpenMessage theirs = readUntil(BgpOpenMessage.class);
        send(BgpOpenMessage.of(asn, holdTimeSeconds, (Inet4Address) InetAddress.getByName("10.255.0.1"),
                Set.of(BgpAddressFamily.IPV4_UNICAST, BgpAddressFamily.IPV6_UNICAST), Optional.empty()));
        send(io.vippy.bgp.codec.BgpKeepaliveMessage.INSTANCE);
        return theirs;
    }

    @Override
    public void close() throws IOException {
        if (socket != null) {
            socket.close();
        }
        server.close();
    }
}
