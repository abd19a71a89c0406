package io.vippy.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;

/**
 * A private CA and the certificates it signs, made with openssl in a temporary directory: the server's (for
 * localhost and 127.0.0.1) and a client's. {@link #renewServer()} replaces the server's files as a certificate
 * manager would, each file by an atomic rename.
 */
public final class TestCertificates implements AutoCloseable {
    private static final Duration OPENSSL_TIMEOUT = Duration.ofSeconds(60);
    private final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    public static TestCertificates create() {
        RootOnly.requireTool("openssl");
        try {
            TestCertificates certificates = new TestCertificates(Files.createTempDirectory("vippy-tls"));
            certificates.openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Vippy test CA",
                    "-keyout", certificates.caKey().toString(), "-out", certificates.ca().toString());
            Files.writeString(certificates.dir.resolve("server.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
            Files.writeString(certificates.dir.resolve("client.ext"), "extendedKeyUsage=clientAuth\n");
            certificates.sign("server", "/CN=localhost");
            certificates.sign("client", "/CN=vippy-test-client");
            return certificates;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path ca() {
        return dir.resolve("ca.crt");
    }

    private Path caKey() {
        return dir.resolve("ca.key");
    }

    public Path serverCertificate() {
        return dir.resolve("server.crt");
    }

    public Path serverKey() {
        return dir.resolve("server.key");
    }

    public Path clientCertificate() {
        return dir.resolve("client.crt");
    }

    public Path clientKey() {
        return dir.resolve("client.key");
    }

    /**
     * A fresh key and certificate for the server, moved over the old files, the key first; {@code meanwhile} runs
     * between the two moves, when the key on disk does not match the certificate. Returns the new serial number.
     */
    public BigInteger renewServer(Runnable meanwhile) {
        sign("server-next", "/CN=localhost", "server.ext");
        try {
            Files.move(dir.resolve("server-next.key"), serverKey(), StandardCopyOption.ATOMIC_MOVE);
            meanwhile.run();
            Files.move(dir.resolve("server-next.crt"), serverCertificate(), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return serial(serverCertificate());
    }

    public static BigInteger serial(Path certificate) {
        try (InputStream in = Files.newInputStream(certificate)) {
            return ((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in)).getSerialNumber();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new AssertionError(certificate + " is not a certificate", e);
        }
    }

    private void sign(String name, String subject) {
        sign(name, subject, name + ".ext");
    }

    private void sign(String name, String subject, String extensions) {
        String key = dir.resolve(name + ".key").toString();
        String request = dir.resolve(name + ".csr").toString();
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", subject, "-keyout", key, "-out", request);
        openssl("x509", "-req", "-in", request, "-CA", ca().toString(), "-CAkey", caKey().toString(), "-CAcreateserial",
                "-days", "2", "-extfile", dir.resolve(extensions).toString(), "-out", dir.resolve(name + ".crt").toString());
    }

    private void openssl(String... arguments) {
        String[] command = new String[arguments.length + 1];
        command[0] = "openssl";
        System.arraycopy(arguments, 0, command, 1, arguments.length);
        Shell.run(OPENSSL_TIMEOUT, command).orThrow();
    }

    @Override
    public void close() {
        VippyTestEnvironment.deleteRecursively(dir);
    }
}
