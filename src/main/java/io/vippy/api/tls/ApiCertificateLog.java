package io.vippy.api.tls;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.tls.CertificateUpdatedEvent;
import io.quarkus.tls.TlsConfiguration;
import io.quarkus.tls.TlsConfigurationRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jboss.logging.Logger;

/** Logs the API's certificate at start-up and whenever a reload of its files serves a different one. */
@ApplicationScoped
public class ApiCertificateLog {
    private static final Logger LOG = Logger.getLogger(ApiCertificateLog.class);
    private volatile String served = "";

    void onStart(@Observes StartupEvent event, TlsConfigurationRegistry registry) {
        registry.get(ApiTlsConfigSourceFactory.CONFIGURATION).ifPresent(tls -> {
            served = describe(tls);
            LOG.infof("API over TLS only, %s; certificate %s", tls.getTrustStoreOptions() != null
                    ? "client certificates required" : "no client certificates", served);
        });
    }

    void onReload(@Observes CertificateUpdatedEvent event) {
        if (ApiTlsConfigSourceFactory.CONFIGURATION.equals(event.name())) {
            String before = served;
            served = describe(event.tlsConfiguration());
            // Empty before start-up: the registry may reload once before the application has started.
            if (!before.isEmpty() && !served.equals(before)) {
                LOG.infof("API certificate files changed, now serving %s", served);
            }
        }
    }

    private static String describe(TlsConfiguration tls) {
        KeyStore keyStore = tls.getKeyStore();
        List<String> certificates = new ArrayList<>();
        try {
            for (String alias : Collections.list(keyStore.aliases())) {
                Certificate certificate = keyStore.getCertificate(alias);
                if (certificate instanceof X509Certificate x509) {
                    certificates.add(x509.getSubjectX500Principal().getName() + " serial " + x509.getSerialNumber().toString(16)
                            + " valid until " + x509.getNotAfter().toInstant());
                }
            }
        } catch (KeyStoreException e) {
            return "(unreadable key store: " + e.getMessage() + ")";
        }
        return String.join(", ", certificates);
    }
}
