package io.vippy.api.tls;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.tls.CertificateUpdatedEvent;
import io.quarkus.tls.TlsConfiguration;
import io.quarkus.tls.TlsConfigurationRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Vertx;
import io.vippy.api.ApiConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Reads the API's TLS files again every {@code vippy.api.tls-reload-period} and, when they changed, hands them to
 * the HTTP server ({@link CertificateUpdatedEvent}, which Quarkus's server applies to new connections).
 *
 * <p>Why not the registry's own {@code reload-period}: it hands over whatever it read, so a reload between the
 * renames of a renewed key and its certificate would serve a key that does not match the certificate, and every
 * handshake would fail until the next reload. Here a key that does not match its certificate is not handed over;
 * the server keeps the previous pair until both files are in place.
 */
@ApplicationScoped
public class ApiCertificateReloader {
    private static final Logger LOG = Logger.getLogger(ApiCertificateReloader.class);

    private final TlsConfigurationRegistry registry;
    private final Event<CertificateUpdatedEvent> updated;
    private final ApiConfig config;
    private final Vertx vertx;
    private volatile String served = "";
    private Cancellable ticks;

    ApiCertificateReloader(TlsConfigurationRegistry registry, Event<CertificateUpdatedEvent> updated, ApiConfig config,
            Vertx vertx) {
        this.registry = registry;
        this.updated = updated;
        this.config = config;
        this.vertx = vertx;
    }

    void onStart(@Observes StartupEvent event) {
        registry.get(ApiTlsConfigSourceFactory.CONFIGURATION).ifPresent(tls -> {
            served = describe(tls);
            LOG.infof("API over TLS only, %s; %s", tls.getTrustStore() != null
                    ? "client certificates required" : "no client certificates", served);
            ticks = Multi.createFrom().ticks().every(config.tlsReloadPeriod()).onOverflow().drop()
                    .emitOn(Infrastructure.getDefaultWorkerPool())
                    .subscribe().with(tick -> reload(tls));
        });
    }

    void onStop(@Observes ShutdownEvent event) {
        if (ticks != null) {
            ticks.cancel();
        }
    }

    /** On a worker thread: reading files blocks. */
    private void reload(TlsConfiguration tls) {
        try {
            if (!tls.reload()) {
                LOG.warnf("API TLS files could not be read again; still serving %s", served);
                return;
            }
            String now = describe(tls);
            if (now.equals(served)) {
                return;
            }
            if (!keysMatchCertificates(tls)) {
                LOG.warnf("API TLS files changed but a key does not match its certificate (replaced one at a time?); "
                        + "still serving %s until both are in place", served);
                return;
            }
            updated.fire(new CertificateUpdatedEvent(ApiTlsConfigSourceFactory.CONFIGURATION, tls));
            served = now;
            LOG.infof("API TLS files changed, now serving %s", now);
        } catch (RuntimeException e) {
            LOG.warnf("API TLS files could not be applied (%s); still serving %s", e.toString(), served);
        }
    }

    private boolean keysMatchCertificates(TlsConfiguration tls) {
        try {
            return KeyCertificateMatch.holds(tls.getKeyStore(), tls.getKeyStoreOptions().getKeyManagerFactory(vertx));
        } catch (Exception e) {
            return false;
        }
    }

    /** The certificates served and trusted, as an operator reads them in the log. */
    private static String describe(TlsConfiguration tls) {
        List<String> parts = new ArrayList<>();
        parts.add("certificate " + describe(tls.getKeyStore()));
        if (tls.getTrustStore() != null) {
            parts.add("client CAs " + describe(tls.getTrustStore()));
        }
        return String.join("; ", parts);
    }

    private static String describe(KeyStore store) {
        List<String> certificates = new ArrayList<>();
        try {
            for (String alias : Collections.list(store.aliases())) {
                Certificate certificate = store.getCertificate(alias);
                if (certificate instanceof X509Certificate x509) {
                    certificates.add(x509.getSubjectX500Principal().getName() + " serial "
                            + x509.getSerialNumber().toString(16) + " valid until " + x509.getNotAfter().toInstant());
                }
            }
        } catch (GeneralSecurityException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
        Collections.sort(certificates);
        return String.join(", ", certificates);
    }
}
