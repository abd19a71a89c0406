package io.vippy.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;

/**
 * A test backend's TCP side: greets every connection with its name, then echoes each line prefixed with it,
 * so a test knows which backend a connection reached and that an established one still works.
 */
public final class NamedEchoServer {
    private NamedEchoServer() {
    }

    /** Accepts until the server socket closes, serving each connection on {@code threads}. */
    public static void acceptLoop(String name, ServerSocket server, ExecutorService threads) {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                threads.submit(() -> serve(name, socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void serve(String name, Socket socket) {
        try (socket) {
            OutputStream out = socket.getOutputStream();
            out.write((name + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader reader = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                out.write((name + " " + line + "\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        } catch (IOException e) {
            // Clients and health checks reset their connections: that is how short ones end.
        }
    }
}
