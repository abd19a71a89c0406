package io.vippy.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.netty.channel.EventLoop;
import io.vippy.core.model.HealthCheckSpec;
import io.vippy.netlink.NetworkNamespace;
import io.vippy.testing.RootOnly;
import io.vippy.testing.Shell;
import io.vippy.testing.TestNamespace;
import java.io.FileInputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Single probes against real servers on loopback: TCP, HTTP and HTTPS, answers good, bad, garbled and none. */
class BackendProberTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final HealthCheckSpec TCP = new HealthCheckSpec(HealthCheckSpec.Type.TCP, null, 1000, 300, 1, 1);
    private static BackendProber prober;
    private static HttpServer http;

    @BeforeAll
    static void start() throws Exception {
        prober = new BackendProber(NetworkNamespace.current(), 1);
        http = HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 16);
        for (int status : new int[] {200, 301, 404, 503}) {
            http.createContext("/" + status, exchange -> {
                exchange.sendResponseHeaders(status, -1);
                exchange.close();
            });
        }
        http.start();
    }

    @AfterAll
    static void stop() {
        if (http != null) {
            http.stop(0);
        }
        if (prober != null) {
            prober.close();
        }
    }

    private static ProbeResult probe(BackendProber with, int port, HealthCheckSpec spec) throws Exception {
        return probe(with, new InetSocketAddress(LOOPBACK, port), spec);
    }

    private static ProbeResult probe(BackendProber with, InetSocketAddress target, HealthCheckSpec spec) throws Exception {
        EventLoop loop = with.nextLoop();
        return loop.submit(() -> with.probe(loop, target, spec)).get(5, TimeUnit.SECONDS).get(5, TimeUnit.SECONDS);
    }

    private static HealthCheckSpec http(String path) {
        return new HealthCheckSpec(HealthCheckSpec.Type.HTTP, path, 1000, 300, 1, 1);
    }

    @Test
    void tcpSucceedsOnAListenerAndFailsOnAClosedPort() throws Exception {
        int closedPort;
        try (ServerSocket listener = new ServerSocket(0, 16, LOOPBACK)) {
            assertTrue(probe(prober, listener.getLocalPort(), TCP).ok());
            closedPort = listener.getLocalPort();
        }
        ProbeResult refused = probe(prober, closedPort, TCP);
        assertFalse(refused.ok());
        assertTrue(refused.detail().toLowerCase().contains("refused"), refused.detail());
    }

    /** The backend's network gone (no route in the namespace): the failure says so, not "null". */
    @Test
    void aBackendWithNoRouteToItFailsNamingThat() throws Exception {
        RootOnly.assumeRoot();
        try (TestNamespace isolated = TestNamespace.create("vprb")) {
            BackendProber inside = new BackendProber(NetworkNamespace.named(isolated.name()), 1);
            try {
                assertEquals(new ProbeResult(false, "no route to host: /10.30.9.2:80"),
                        probe(inside, new InetSocketAddress("10.30.9.2", 80), TCP));
            } finally {
                inside.close();
            }
        }
    }

    @Test
    void httpAcceptsTwoAndThreeHundredsOnly() throws Exception {
        int port = http.getAddress().getPort();
        assertEquals(new ProbeResult(true, "HTTP 200"), probe(prober, port, http("/200")));
        assertEquals(new ProbeResult(true, "HTTP 301"), probe(prober, port, http("/301")));
        assertEquals(new ProbeResult(false, "HTTP 404"), probe(prober, port, http("/404")));
        assertEquals(new ProbeResult(false, "HTTP 503"), probe(prober, port, http("/503")));
    }

    @Test
    void garbageSilenceAndEarlyCloseAreFailures() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 16, LOOPBACK)) {
            ExecutorService server = Executors.newSingleThreadExecutor();
            try {
                server.submit(() -> answerEach(listener, "SSH-2.0-OpenSSH_9.2\r\n\r\n"));
                ProbeResult garbage = probe(prober, listener.getLocalPort(), http("/"));
                assertFalse(garbage.ok(), garbage.toString());
                assertTrue(garbage.detail().startsWith("malformed HTTP answer"), garbage.detail());

                long started = System.nanoTime();
                ProbeResult silent = probe(prober, listener.getLocalPort(), http("/"));
                long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                assertEquals(new ProbeResult(false, "no answer within 300 ms"), silent);
                // It waited for its timeout, and then gave up (the upper bound only catches a hang: CI machines are slow).
                assertTrue(tookMs >= 290 && tookMs < 10_000, "timed out after " + tookMs + " ms");

                assertEquals(new ProbeResult(false, "closed before answering"),
                        probe(prober, listener.getLocalPort(), http("/")));
            } finally {
                server.shutdownNow();
            }
        }
    }

    /** Serves three connections: the first gets {@code garbage}, the second nothing, the third a close. */
    private static Void answerEach(ServerSocket listener, String garbage) throws Exception {
        try (Socket first = listener.accept()) {
            OutputStream out = first.getOutputStream();
            out.write(garbage.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            first.getInputStream().read();
        }
        try (Socket silent = listener.accept(); Socket third = listener.accept()) {
            third.close();
            silent.getInputStream().read();
        }
        return null;
    }

    @Test
    void httpsChecksWithoutVerifyingTheCertificate() throws Exception {
        Path dir = Files.createTempDirectory("vhlt-tls");
        Path keystore = dir.resolve("server.p12");
        Shell.run("keytool", "-genkeypair", "-alias", "server", "-keyalg", "EC", "-dname", "CN=backend",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", "secret")
                .orThrow();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(keystore.toFile())) {
            store.load(in, "secret".toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, "secret".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keys.getKeyManagers(), null, null);
        HttpsServer https = HttpsServer.create(new InetSocketAddress(LOOPBACK, 0), 16);
        https.setHttpsConfigurator(new HttpsConfigurator(tls));
        https.createContext("/healthz", exchange -> {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        https.start();
        try {
            // A long timeout: the JVM's first TLS handshake is slow on a loaded machine, and speed is not the point here.
            HealthCheckSpec spec = new HealthCheckSpec(HealthCheckSpec.Type.HTTPS, "/healthz", 10_000, 9_000, 1, 1);
            assertEquals(new ProbeResult(true, "HTTP 204"), probe(prober, https.getAddress().getPort(), spec));
            ProbeResult plainToTls = probe(prober, https.getAddress().getPort(), http("/healthz"));
            assertFalse(plainToTls.ok(), "plain HTTP to a TLS port: " + plainToTls);
        } finally {
            https.stop(0);
            Files.walk(dir).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** The probe's socket lives in the prober's namespace: a listener only there is reachable only from there. */
    @Test
    void probesConnectFromTheConfiguredNetworkNamespace() throws Exception {
        RootOnly.assumeRoot();
        try (TestNamespace namespace = TestNamespace.create("vhlt")) {
            ExecutorService inside = Executors.newSingleThreadExecutor(
                    NetworkNamespace.named(namespace.name()).threadFactory("vhlt-listener"));
            BackendProber namespaced = new BackendProber(NetworkNamespace.named(namespace.name()), 1);
            try (ServerSocket listener = inside.submit(() -> new ServerSocket(0, 16, LOOPBACK)).get(5, TimeUnit.SECONDS)) {
                int port = listener.getLocalPort();
                assertTrue(probe(namespaced, port, TCP).ok(), "from inside the namespace");
                assertFalse(probe(prober, port, TCP).ok(), "from the daemon's own namespace, where nothing listens");
            } finally {
                namespaced.close();
                inside.shutdownNow();
            }
        }
    }
}
