package io.vippy.api.tls;

import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import jakarta.inject.Singleton;

/**
 * Client certificates are optional, and once configured ({@code quarkus.http.ssl.certificate.trust-store-file}),
 * required: a client without one signed by those CAs fails the TLS handshake, for REST and gRPC alike. Quarkus fixes
 * {@code quarkus.http.ssl.client-auth} at build time; the trust store is known only at run time, so it decides here.
 */
@Singleton
public class ClientCertificatePolicy implements HttpServerOptionsCustomizer {

    @Override
    public void customizeHttpsServer(HttpServerOptions options) {
        if (options.getTrustOptions() != null) {
            options.setClientAuth(ClientAuth.REQUIRED);
        }
    }
}
