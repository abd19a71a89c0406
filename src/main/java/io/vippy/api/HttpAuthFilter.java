package io.vippy.api;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Requires the bearer token on every HTTP request but {@code /q/health}, before any route runs (REST,
 * metrics, OpenAPI). gRPC requests are checked by {@link io.vippy.api.grpc.GrpcAuthInterceptor} instead,
 * so that their refusal is a proper gRPC status.
 */
@ApplicationScoped
public class HttpAuthFilter {
    private static final int PRIORITY = 1000;

    void register(@Observes Filters filters, ApiToken token) {
        filters.register(context -> {
            String path = context.normalizedPath();
            if (isGrpcCall(path, context.request().getHeader(HttpHeaders.CONTENT_TYPE))
                    || path.startsWith("/q/health") || token.accepts(context.request().getHeader(HttpHeaders.AUTHORIZATION))) {
                context.next();
                return;
            }
            context.response().setStatusCode(401)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .putHeader("WWW-Authenticate", "Bearer")
                    .end("{\"error\":\"this call needs 'Authorization: Bearer <token>'; the token is vippy.api.token"
                            + " or the api-token file in the data directory.\"}");
        }, PRIORITY);
    }

    /**
     * A gRPC call is {@code /package.Service/Method} with a gRPC content type. The path test matters: the
     * content type alone would let a REST call skip authentication by claiming to be gRPC.
     */
    static boolean isGrpcCall(String path, String contentType) {
        return contentType != null && contentType.startsWith("application/grpc")
                && path.matches("/[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z0-9_]+)+/[A-Za-z0-9_]+");
    }
}
