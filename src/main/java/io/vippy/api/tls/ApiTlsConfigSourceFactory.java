package io.vippy.api.tls;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import io.vippy.core.model.InvalidConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Turns the API's PEM files ({@code quarkus.http.ssl.certificate.files}, {@code key-files}, and
 * {@code trust-store-file} for client certificates) into the Quarkus TLS registry configuration
 * {@value #CONFIGURATION}; {@link ApiCertificateReloader} reads them again while Vippy runs.
 * With TLS, port 10001 ({@code quarkus.http.port}) speaks TLS only: REST and gRPC alike, and plain HTTP gets no answer.
 *
 * <p>The files are checked here, before Quarkus reads them, so a wrong one (a key that is not its certificate's
 * included) stops start-up with one line naming its property, rather than a stack trace from the registry or a server
 * that fails every handshake.
 */
public class ApiTlsConfigSourceFactory implements ConfigSourceFactory {
    static final String CONFIGURATION = "vippy-api";
    static final String CERTIFICATES = "quarkus.http.ssl.certificate.files";
    static final String KEYS = "quarkus.http.ssl.certificate.key-files";
    static final String CLIENT_CAS = "quarkus.http.ssl.certificate.trust-store-file";
    private static final String REGISTRY = "quarkus.tls." + CONFIGURATION + ".";
    /** Below application.properties (250): the keys it sets are Quarkus defaults a user may still override. */
    private static final int ORDINAL = 200;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        List<String> certificates = list(context, CERTIFICATES);
        if (certificates.isEmpty()) {
            return List.of();
        }
        List<String> keys = list(context, KEYS);
        if (keys.size() != certificates.size()) {
            throw new InvalidConfigException(KEYS, "needs one PEM private key per certificate of " + CERTIFICATES
                    + " (" + certificates.size() + "), has " + keys.size());
        }
        Map<String, String> properties = new HashMap<>();
        for (int i = 0; i < certificates.size(); i++) {
            properties.put(REGISTRY + "key-store.pem." + i + ".cert", requireCertificates(CERTIFICATES, certificates.get(i)));
            properties.put(REGISTRY + "key-store.pem." + i + ".key", requirePrivateKey(keys.get(i)));
            requireMatch(certificates.get(i), keys.get(i));
        }
        value(context, CLIENT_CAS).ifPresent(cas -> properties.put(REGISTRY + "trust-store.pem.certs",
                requireCertificates(CLIENT_CAS, cas)));
        properties.put("quarkus.http.tls-configuration-name", CONFIGURATION);
        properties.put("quarkus.http.ssl-port", value(context, "quarkus.http.port").orElse("10001"));
        properties.put("quarkus.http.insecure-requests", "disabled");
        return List.of(new PropertiesConfigSource(properties, "Vippy API TLS (" + CERTIFICATES + ")", ORDINAL));
    }

    private static Optional<String> value(ConfigSourceContext context, String name) {
        ConfigValue value = context.getValue(name);
        return Optional.ofNullable(value == null ? null : value.getValue()).map(String::trim).filter(v -> !v.isEmpty());
    }

    private static List<String> list(ConfigSourceContext context, String name) {
        return value(context, name).map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
                .orElse(List.of());
    }

    private static String requireCertificates(String property, String file) {
        try (InputStream in = Files.newInputStream(readable(property, file))) {
            if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
                throw new InvalidConfigException(property, file + " holds no PEM certificate");
            }
        } catch (IOException | CertificateException e) {
            throw new InvalidConfigException(property, file + " is not a PEM certificate file: " + e.getMessage());
        }
        return file;
    }

    private static String requirePrivateKey(String file) {
        try {
            String pem = Files.readString(readable(KEYS, file), StandardCharsets.US_ASCII);
            if (!pem.matches("(?s).*-----BEGIN [A-Z ]*PRIVATE KEY-----.*")) {
                throw new InvalidConfigException(KEYS, file + " holds no PEM private key");
            }
        } catch (IOException e) {
            throw new InvalidConfigException(KEYS, file + " cannot be read: " + e.getMessage());
        }
        return file;
    }

    /** Reads the pair as the server will (Vert.x's PEM reader, values only, so no Vert.x instance is needed). */
    private static void requireMatch(String certificate, String key) {
        boolean matches;
        try {
            PemKeyCertOptions pair = new PemKeyCertOptions()
                    .addCertValue(Buffer.buffer(Files.readAllBytes(Path.of(certificate))))
                    .addKeyValue(Buffer.buffer(Files.readAllBytes(Path.of(key))));
            matches = KeyCertificateMatch.holds(pair.loadKeyStore(null), pair.getKeyManagerFactory(null));
        } catch (Exception e) {
            throw new InvalidConfigException(KEYS, key + " cannot be read with " + certificate + ": " + e.getMessage());
        }
        if (!matches) {
            throw new InvalidConfigException(KEYS, key + " is not the private key of " + certificate
                    + " (give each certificate the key it was issued for, in the same order)");
        }
    }

    private static Path readable(String property, String file) {
        Path path = Path.of(file);
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new InvalidConfigException(property, file + " does not exist or is not a readable file");
        }
        return path;
    }
}
