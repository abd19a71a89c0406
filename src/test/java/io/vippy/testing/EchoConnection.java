package io.vippy.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;

/** A long-lived client connection to a {@link NamedEchoServer}, for tests that an established flow survives. */
public final class EchoConnection implements AutoCloseable {
    private final Socket socket;
    private final BufferedReader reader;
    /** The name the backend greeted with: which one the connection reached. */
    public final String backend;

    private EchoConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.reader = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        this.backend = reader.readLine();
    }

    /** Connects from a thread of {@code clientThreads} (which decides the namespace) and reads the greeting. */
    public static EchoConnection open(ExecutorService clientThreads, InetSocketAddress server, int timeoutMs) {
        Socket socket = Futures.await(clientThreads.submit(() -> {
            Socket s = new Socket();
            s.connect(server, timeoutMs);
            s.setSoTimeout(timeoutMs);
            return s;
        }));
        try {
            return new EchoConnection(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends a line, returns the echo ("beN line"). */
    public String echo(String line) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return reader.readLine();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
