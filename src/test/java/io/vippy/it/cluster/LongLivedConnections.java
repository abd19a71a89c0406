package io.vippy.it.cluster;

import io.vippy.testing.Futures;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Future;

/**
 * Connections from the rig's client that stay open, each from a source port of its own: opened and greeted by a
 * backend, then asked later whether they still work (a line sent must come back echoed by the same backend).
 */
final class LongLivedConnections implements AutoCloseable {
    private record Connection(int sourcePort, String backend, Socket socket, BufferedReader in) {
    }

    private final ClusterRig rig;
    private final List<Connection> connections;

    private LongLivedConnections(ClusterRig rig, List<Connection> connections) {
        this.rig = rig;
        this.connections = connections;
    }

    /** Opens {@code count} connections from source ports {@code firstSourcePort}, {@code firstSourcePort + 1}, ... */
    static LongLivedConnections open(ClusterRig rig, String address, int port, int count, int firstSourcePort) {
        List<Future<Connection>> opening = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int sourcePort = firstSourcePort + i;
            // Sockets belong to the namespace they are made in: the client's threads make them.
            opening.add(rig.clientThreads().submit(() -> connect(address, port, sourcePort)));
        }
        List<Connection> open = new ArrayList<>();
        try {
            for (Future<Connection> connection : opening) {
                open.add(Futures.await(connection));
            }
        } catch (RuntimeException e) {
            open.forEach(c -> closeQuietly(c.socket()));
            throw e;
        }
        return new LongLivedConnections(rig, open);
    }

    private static Connection connect(String address, int port, int sourcePort) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(sourcePort));
            socket.connect(new InetSocketAddress(address, port), 2000);
            socket.setSoTimeout(2000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            String backend = in.readLine();
            if (backend == null) {
                throw new IOException("no greeting on the connection from source port " + sourcePort);
            }
            return new Connection(sourcePort, backend, socket, in);
        } catch (IOException e) {
            closeQuietly(socket);
            throw e;
        }
    }

    /** The source ports of the connections. */
    List<Integer> sourcePorts() {
        return connections.stream().map(Connection::sourcePort).toList();
    }

    /**
     * Sends one line on every connection at once; per source port, whether the same backend echoed it within
     * {@code timeout} (a connection that a dead node carried, or that the ToR moved, gets nothing or a reset).
     */
    Map<Integer, Boolean> stillWorking(Duration timeout) {
        Map<Integer, Future<Boolean>> probes = new TreeMap<>();
        for (Connection connection : connections) {
            probes.put(connection.sourcePort(), rig.clientThreads().submit(() -> echoes(connection, timeout)));
        }
        Map<Integer, Boolean> working = new TreeMap<>();
        probes.forEach((sourcePort, probe) -> working.put(sourcePort, Futures.await(probe)));
        return working;
    }

    private static boolean echoes(Connection connection, Duration timeout) {
        try {
            connection.socket().setSoTimeout((int) timeout.toMillis());
            OutputStream out = connection.socket().getOutputStream();
            out.write("still there?\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return (connection.backend() + " still there?").equals(connection.in().readLine());
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        connections.forEach(c -> closeQuietly(c.socket()));
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
