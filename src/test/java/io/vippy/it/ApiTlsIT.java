package io.vippy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.MetadataUtils;
import io.vippy.api.grpc.v1.CreateLoadBalancerRequest;
import io.vippy.api.grpc.v1.DeleteLoadBalancerRequest;
import io.vippy.api.grpc.v1.ListLoadBalancersRequest;
import io.vippy.api.grpc.v1.LoadBalancer;
import io.vippy.api.grpc.v1.LoadBalancerServiceGrpc;
import io.vippy.api.grpc.v1.LoadBalancerServiceGrpc.LoadBalancerServiceBlockingStub;
import io.vippy.testing.GrpcJsClient;
import io.vippy.testing.RootOnly;
import io.vippy.testing.Shell;
import io.vippy.testing.TestCertificates;
import io.vippy.testing.TestNamespace;
import io.vippy.testing.VippyProcess;
import io.vippy.testing.VippyTestEnvironment;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The API over TLS on its one port, as a user runs the packaged jar with PEM files from a private CA: REST with curl
 * --cacert, gRPC with grpc-java and grpc-js TLS channels, plain HTTP unanswered, the certificate renewed on disk and
 * served without a restart, client certificates required once configured, and wrong files refused at start-up.
 */
class ApiTlsIT {
    private static final Duration ROTATION_WAIT = Duration.ofSeconds(30);
    private static TestCertificates certificates;
    private TestNamespace namespace;
    private Path dataDir;
    private Path log;
    private VippyProcess vippy;

    @BeforeAll
    static void makeCertificates() {
        RootOnly.assumeRoot();
        RootOnly.requireTool("curl");
        certificates = TestCertificates.create();
    }

    @AfterAll
    static void removeCertificates() {
        if (certificates != null) {
            certificates.close();
        }
    }

    @BeforeEach
    void prepare() throws IOException {
        namespace = TestNamespace.create("vtls");
        dataDir = Files.createTempDirectory("vippy-tls-data");
        log = Files.createTempFile("vippy-tls", ".log");
    }

    @AfterEach
    void stop() throws IOException {
        if (vippy != null) {
            vippy.close();
        }
        namespace.close();
        VippyTestEnvironment.deleteRecursively(dataDir);
        System.out.println("Vippy's log:\n" + Files.readString(log));
        Files.deleteIfExists(log);
    }

    private Map<String, String> settings(boolean clientCertificates) {
        Map<String, String> settings = new HashMap<>(Map.of("vippy.data-dir", dataDir.toString(), "vippy.netns", namespace.name(),
                "vippy.health.enabled", "false",
                "quarkus.http.ssl.certificate.files", certificates.serverCertificate().toString(),
                "quarkus.http.ssl.certificate.key-files", certificates.serverKey().toString(),
                "vippy.api.tls-reload-period", "1s"));
        if (clientCertificates) {
            settings.put("quarkus.http.ssl.certificate.trust-store-file", certificates.ca().toString());
        }
        return settings;
    }

    /** curl over HTTPS trusting only the test CA; with the client certificate when asked. Returns its result. */
    private Shell.Result curl(VippyProcess target, String path, boolean withClientCertificate) {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10", "-o", "/dev/null",
                "-w", "%{http_code}", "--cacert", certificates.ca().toString(),
                "-H", "Authorization: Bearer " + VippyTestEnvironment.TOKEN));
        if (withClientCertificate) {
            command.addAll(List.of("--cert", certificates.clientCertificate().toString(),
                    "--key", certificates.clientKey().toString()));
        }
        command.add("https://localhost:" + target.port() + path);
        return Shell.run(Duration.ofSeconds(20), command.toArray(String[]::new));
    }

    private ManagedChannel grpcChannel(boolean withClientCertificate) throws IOException {
        TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder().trustManager(certificates.ca().toFile());
        if (withClientCertificate) {
            tls.keyManager(certificates.clientCertificate().toFile(), certificates.clientKey().toFile());
        }
        ChannelCredentials credentials = tls.build();
        return Grpc.newChannelBuilderForAddress("localhost", vippy.port(), credentials).build();
    }

    /** A stub for one call: its deadline counts from now. */
    private static LoadBalancerServiceBlockingStub authorized(ManagedChannel channel) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + VippyTestEnvironment.TOKEN);
        return LoadBalancerServiceGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private static void shutdown(ManagedChannel channel) throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void restAndGrpcOverTlsPlainHttpUnansweredAndARenewedCertificateServedWithoutRestart() throws Exception {
        vippy = VippyProcess.start(settings(false), log, v -> curl(v, "/q/health/live", false).output().equals("200"));

        assertEquals("200", curl(vippy, "/loadbalancers", false).orThrow());
        Shell.Result plain = Shell.run(Duration.ofSeconds(20), "curl", "-sS", "--max-time", "10", "-o", "/dev/null",
                "-w", "%{http_code}", "http://localhost:" + vippy.port() + "/q/health/live");
        assertNotEquals(0, plain.exitCode(), "plain HTTP must get no answer: " + plain.output());
        assertTrue(plain.output().contains("000"), "no HTTP status: " + plain.output());

        ManagedChannel channel = grpcChannel(false);
        try {
            LoadBalancer created = authorized(channel).createLoadBalancer(CreateLoadBalancerRequest.newBuilder().setName("tls")
                    .setPort(443).build());
            assertTrue(authorized(channel).listLoadBalancers(ListLoadBalancersRequest.getDefaultInstance()).getLoadBalancersList()
                    .stream().anyMatch(lb -> lb.getUuid().equals(created.getUuid())));
            authorized(channel).deleteLoadBalancer(DeleteLoadBalancerRequest.newBuilder().setUuid(created.getUuid()).build());
        } finally {
            shutdown(channel);
        }
        Map<String, GrpcJsClient.CallStatus> grpcJs = GrpcJsClient.run("localhost:" + vippy.port(), VippyTestEnvironment.TOKEN,
                certificates.ca());
        assertEquals(Status.Code.INVALID_ARGUMENT.value(), grpcJs.get("badScheduler").code(), grpcJs.toString());
        assertEquals(Status.Code.UNIMPLEMENTED.value(), grpcJs.get("unknownMethod").code(), grpcJs.toString());

        BigInteger before = servedSerial();
        assertEquals(TestCertificates.serial(certificates.serverCertificate()), before);
        // A new key beside the old certificate is not taken: the old pair is served, and handshakes succeed.
        BigInteger renewed = certificates.renewServer(() -> {
            sleepMillis(3000);
            assertEquals(before, servedSerial(), "a key that does not match its certificate was taken:\n" + vippy.log());
        });
        assertNotEquals(before, renewed);
        // While the server switches (Vert.x 4.5 updateSSLOptions), a connection arriving at that moment is closed
        // (Vert.x logs a NullPointerException from SslContextUpdate); the next one gets the new certificate.
        long deadline = System.nanoTime() + ROTATION_WAIT.toNanos();
        while (!renewed.equals(servedSerialOrNull()) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertEquals(renewed, servedSerial(), "the renewed certificate is not served within " + ROTATION_WAIT + ":\n" + vippy.log());
        assertEquals("200", curl(vippy, "/loadbalancers", false).orThrow());
    }

    @Test
    void clientCertificatesOnceConfiguredAreRequired() throws Exception {
        vippy = VippyProcess.start(settings(true), log, v -> curl(v, "/q/health/live", true).output().equals("200"));

        assertEquals("200", curl(vippy, "/loadbalancers", true).orThrow());
        Shell.Result anonymous = curl(vippy, "/loadbalancers", false);
        assertNotEquals(0, anonymous.exitCode(), "a client without a certificate must be refused: " + anonymous.output());
        assertTrue(anonymous.output().contains("000"), "no HTTP status: " + anonymous.output());

        ManagedChannel withCertificate = grpcChannel(true);
        ManagedChannel withoutCertificate = grpcChannel(false);
        try {
            assertEquals(0, authorized(withCertificate).listLoadBalancers(ListLoadBalancersRequest.getDefaultInstance())
                    .getLoadBalancersCount());
            StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
                    () -> authorized(withoutCertificate).listLoadBalancers(ListLoadBalancersRequest.getDefaultInstance()));
            assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode(), refused.toString());
        } finally {
            shutdown(withCertificate);
            shutdown(withoutCertificate);
        }

        // Reloading the files (every second here) keeps the requirement.
        Thread.sleep(2500);
        assertNotEquals(0, curl(vippy, "/loadbalancers", false).exitCode());
        assertEquals("200", curl(vippy, "/loadbalancers", true).orThrow());
    }

    @Test
    void wrongCertificateFilesStopStartUpWithOneLineNamingTheProperty() throws IOException {
        Path missing = dataDir.resolve("missing.crt");
        assertRefused(Map.of("quarkus.http.ssl.certificate.files", missing.toString(),
                "quarkus.http.ssl.certificate.key-files", certificates.serverKey().toString()),
                "quarkus.http.ssl.certificate.files: " + missing + " does not exist or is not a readable file");
        assertRefused(Map.of("quarkus.http.ssl.certificate.files", certificates.serverCertificate().toString(),
                "quarkus.http.ssl.certificate.key-files", certificates.serverCertificate().toString()),
                "quarkus.http.ssl.certificate.key-files: " + certificates.serverCertificate() + " holds no PEM private key");
        assertRefused(Map.of("quarkus.http.ssl.certificate.files", certificates.serverCertificate().toString(),
                "quarkus.http.ssl.certificate.key-files", certificates.clientKey().toString()),
                "quarkus.http.ssl.certificate.key-files: " + certificates.clientKey() + " is not the private key of "
                        + certificates.serverCertificate());
        assertRefused(Map.of("quarkus.http.ssl.certificate.files", certificates.serverKey().toString(),
                "quarkus.http.ssl.certificate.key-files", certificates.serverKey().toString()),
                "quarkus.http.ssl.certificate.files: " + certificates.serverKey() + " is not a PEM certificate file");
        assertRefused(Map.of("quarkus.http.ssl.certificate.files", certificates.serverCertificate().toString(),
                "quarkus.http.ssl.certificate.key-files", certificates.serverKey().toString(),
                "quarkus.http.ssl.certificate.trust-store-file", missing.toString()),
                "quarkus.http.ssl.certificate.trust-store-file: " + missing + " does not exist or is not a readable file");
    }

    private void assertRefused(Map<String, String> tls, String expectedLine) throws IOException {
        Files.writeString(log, "");
        Map<String, String> settings = new HashMap<>(tls);
        settings.putAll(Map.of("vippy.data-dir", dataDir.toString(), "vippy.netns", namespace.name()));
        VippyProcess.EarlyExit exit = VippyProcess.runExpectingExit(List.of(), settings, Map.of(), Duration.ofSeconds(120));
        String output = exit.output().strip();
        assertNotEquals(0, exit.exitCode(), output);
        assertEquals(1, output.lines().count(), "one line, not a stack trace:\n" + output);
        assertTrue(output.startsWith(expectedLine), output);
    }

    private static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private BigInteger servedSerialOrNull() {
        try {
            return servedSerial();
        } catch (UncheckedIOException e) {
            return null;
        }
    }

    /** The serial number of the certificate a new TLS connection is served. */
    private BigInteger servedSerial() {
        try (InputStream in = Files.newInputStream(certificates.ca())) {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            trusted.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("localhost", vippy.port())) {
                socket.setSoTimeout(10_000);
                socket.startHandshake();
                return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }
}
