package io.vippy.dataplane.nftables;

import io.vippy.netlink.NetworkNamespace;
import io.vippy.testing.EchoConnection;
import io.vippy.testing.Futures;
import io.vippy.testing.NamedEchoServer;
import io.vippy.testing.TestNamespace;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * client (10.10.0.2) -> lb (10.10.0.1, VIP on lo) -> backends be1..beN (10.20.i.2, lb side 10.20.i.1);
 * the same in IPv6: client fd00:10::2, lb fd00:10::1 (VIP 2001:db8::10), backends fd00:20:i::2.
 * Backends have no route back to the client: replies only work because Vippy masquerades (full NAT).
 * Each backend runs a tiny TCP and UDP server on {@link #PORTS} (from a thread inside its namespace) that
 * answers its name; a TCP connection then echoes each line it receives, prefixed with the name.
 */
final class LbTopology implements AutoCloseable {
    private static final Duration KERNEL_CALL_BOUND = Duration.ofSeconds(120);
    static final int[] PORTS = {80, 81, 82, 83, 84, 85, 86};
    static final InetAddress VIP = address("203.0.113.10");
    static final InetAddress VIP6 = address("2001:db8::10");
    static final int TIMEOUT_MS = 3000;

    final TestNamespace client;
    final TestNamespace lb;
    final List<TestNamespace> backends = new ArrayList<>();
    /** Dataplane calls run here: a thread inside the lb namespace, like the core's kernel thread. */
    final ExecutorService kernelThread;
    private final ExecutorService clientThreads;
    private final List<ExecutorService> serverThreads = new ArrayList<>();
    private final List<AutoCloseable> sockets = new ArrayList<>();

    LbTopology(int backendCount) {
        client = TestNamespace.create("vnft");
        lb = TestNamespace.create("vnft");
        kernelThread = Executors.newSingleThreadExecutor(NetworkNamespace.named(lb.name()).threadFactory("lb-kernel"));
        clientThreads = Executors.newFixedThreadPool(8, NetworkNamespace.named(client.name()).threadFactory("client"));
        try {
            build(backendCount);
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    private void build(int backendCount) {
        client.link(lb, "c0", "10.10.0.2/24", "lbc", "10.10.0.1/24");
        client.exec("ip", "route", "add", "default", "via", "10.10.0.1").orThrow();
        client.exec("ip", "addr", "add", "fd00:10::2/64", "dev", "c0", "nodad").orThrow();
        lb.exec("ip", "addr", "add", "fd00:10::1/64", "dev", "lbc", "nodad").orThrow();
        client.exec("ip", "-6", "route", "add", "default", "via", "fd00:10::1").orThrow();
        lb.exec("ip", "addr", "add", "203.0.113.10/32", "dev", "lo").orThrow();
        lb.exec("ip", "addr", "add", "2001:db8::10/128", "dev", "lo").orThrow();
        for (int i = 1; i <= backendCount; i++) {
            TestNamespace backend = TestNamespace.create("vnft");
            backends.add(backend);
            lb.link(backend, "b" + i, "10.20." + i + ".1/24", "eth0", "10.20." + i + ".2/24");
            lb.exec("ip", "addr", "add", "fd00:20:" + i + "::1/64", "dev", "b" + i, "nodad").orThrow();
            backend.exec("ip", "addr", "add", "fd00:20:" + i + "::2/64", "dev", "eth0", "nodad").orThrow();
        }
        for (int i = 1; i <= backendCount; i++) {
            startServers("be" + i, backends.get(i - 1));
        }
    }

    static InetAddress address(String literal) {
        return io.vippy.core.model.Addresses.parseLiteral(literal, "test address");
    }

    static InetAddress backendAddress(int index) {
        return address("10.20." + index + ".2");
    }

    static InetAddress backendAddress6(int index) {
        return address("fd00:20:" + index + "::2");
    }

    /**
     * Runs a dataplane call on the lb's kernel thread; if it does not end, the failure shows where it is stuck. The
     * bound is generous: late in a full run, a libnftables listing once took some 40 s and then returned (not
     * understood yet), and these tests are about what the kernel does, not how fast.
     */
    <T> T inLb(Callable<T> call) {
        Future<T> running = kernelThread.submit(call);
        try {
            return running.get(KERNEL_CALL_BOUND.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("the kernel thread is stuck after " + KERNEL_CALL_BOUND + ":\n" + stackOf("lb-kernel"), e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    void inLb(Runnable call) {
        inLb(() -> {
            call.run();
            return null;
        });
    }

    private static String stackOf(String threadNamePrefix) {
        StringBuilder text = new StringBuilder();
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            if (thread.getName().startsWith(threadNamePrefix)) {
                text.append(thread.getName()).append('\n');
                for (StackTraceElement frame : stack) {
                    text.append("    at ").append(frame).append('\n');
                }
            }
        });
        return text.toString();
    }

    /** One TCP connection from the client: the name of the backend that answered. Closed with RST. */
    String request(int port) {
        return request(port, 0);
    }

    /** As {@link #request(int)}, from a fixed client source port (0: any). */
    String request(int port, int sourcePort) {
        return Futures.await(requestAsync(VIP, port, sourcePort));
    }

    /**
     * Submits a request without waiting. The client resets the connection (SO_LINGER 0) instead of closing
     * it, so no TIME_WAIT socket blocks the next connection from the same source port.
     */
    Future<String> requestAsync(int port, int sourcePort) {
        return requestAsync(VIP, port, sourcePort);
    }

    Future<String> requestAsync(InetAddress vip, int port, int sourcePort) {
        return clientThreads.submit(() -> {
            try (Socket socket = new Socket()) {
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(sourcePort));
                socket.connect(new InetSocketAddress(vip, port), TIMEOUT_MS);
                socket.setSoTimeout(TIMEOUT_MS);
                String name = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                        StandardCharsets.US_ASCII)).readLine();
                socket.setSoLinger(true, 0);
                return name;
            }
        });
    }

    /** One UDP datagram from a fresh client socket: the name in the reply. */
    String udpRequest(int port) {
        return udpRequest(VIP, port);
    }

    String udpRequest(InetAddress vip, int port) {
        return Futures.await(clientThreads.submit(() -> {
            try (DatagramSocket socket = new DatagramSocket()) {
                socket.setSoTimeout(TIMEOUT_MS);
                byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
                socket.send(new DatagramPacket(hello, hello.length, vip, port));
                DatagramPacket reply = new DatagramPacket(new byte[64], 64);
                socket.receive(reply);
                return new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII).trim();
            }
        }));
    }
    /**
     * One connection attempt that must not wait: "refused" when the VIP answered with a reset (or ICMP port
     * unreachable), "timed out" when nothing came back, else the backend that answered.
     */
    String connectOutcome(InetAddress vip, int port) {
        return Futures.await(clientThreads.submit(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(vip, port), TIMEOUT_MS);
                socket.setSoTimeout(TIMEOUT_MS);
                socket.setSoLinger(true, 0);
                return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                        .readLine();
            } catch (java.net.ConnectException e) {
                return "refused";
            } catch (java.net.SocketTimeoutException e) {
                return "timed out";
            }
        }));
    }

    /** One datagram on a connected socket: "refused" on ICMP port unreachable, "timed out", or the reply. */
    String udpOutcome(InetAddress vip, int port) {
        return Futures.await(clientThreads.submit(() -> {
            try (DatagramSocket socket = new DatagramSocket()) {
                socket.setSoTimeout(TIMEOUT_MS);
                socket.connect(vip, port);
                byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
                socket.send(new DatagramPacket(hello, hello.length));
                DatagramPacket reply = new DatagramPacket(new byte[64], 64);
                socket.receive(reply);
                return new String(reply.getData(), 0, reply.getLength(), StandardCharsets.US_ASCII).trim();
            } catch (java.net.PortUnreachableException e) {
                return "refused";
            } catch (java.net.SocketTimeoutException e) {
                return "timed out";
            }
        }));
    }

    /** A long-lived connection to the VIP from the client namespace. */
    EchoConnection connect(int port) {
        return EchoConnection.open(clientThreads, new InetSocketAddress(VIP, port), TIMEOUT_MS);
    }


    private void startServers(String name, TestNamespace namespace) {
        ExecutorService threads = Executors.newCachedThreadPool(
                NetworkNamespace.named(namespace.name()).threadFactory(name));
        serverThreads.add(threads);
        for (int port : PORTS) {
            ServerSocket tcp = Futures.await(threads.submit(() -> {
                ServerSocket s = new ServerSocket();
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(port), 1024);
                return s;
            }));
            DatagramSocket udp = Futures.await(threads.submit(() -> new DatagramSocket(port)));
            sockets.add(tcp);
            sockets.add(udp);
            threads.submit(() -> NamedEchoServer.acceptLoop(name, tcp, threads));
            threads.submit(() -> udpLoop(name, udp));
        }
    }


    private static void udpLoop(String name, DatagramSocket socket) {
        byte[] buffer = new byte[512];
        byte[] reply = (name + "\n").getBytes(StandardCharsets.US_ASCII);
        while (!socket.isClosed()) {
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                socket.receive(packet);
                socket.send(new DatagramPacket(reply, reply.length, packet.getSocketAddress()));
            } catch (SocketException e) {
                return;
            } catch (IOException e) {
                // a lost datagram: the client times out and reports it
            }
        }
    }


    @Override
    public void close() {
        for (AutoCloseable socket : sockets) {
            try {
                socket.close();
            } catch (Exception e) {
                // closing anyway
            }
        }
        serverThreads.forEach(ExecutorService::shutdownNow);
        clientThreads.shutdownNow();
        kernelThread.shutdownNow();
        backends.forEach(TestNamespace::close);
        lb.close();
        client.close();
    }
}
