package io.vippy.api.grpc;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.spi.Prioritized;
import java.nio.charset.StandardCharsets;

/**
 * Sends each status description as the gRPC specification encodes {@code grpc-message}: UTF-8, with only '%' and
 * bytes outside printable ASCII percent-encoded.
 *
 * <p>Why: the Vert.x gRPC server that shares the HTTP port (vertx-grpc-server 4.5) writes the description through
 * {@code URLEncoder}, which also escapes ',', ':', '/' and the like. grpc-java decodes every escape, but grpc-js
 * decodes with {@code decodeURI}, which keeps the escapes of reserved characters, so its users read "rr%2C wrr".
 * Vert.x writes no {@code grpc-message} of its own when the status has no description, and passes trailers through
 * unchanged, so the description travels in the trailers, encoded here.
 */
@GlobalInterceptor
@ApplicationScoped
public class GrpcStatusMessageInterceptor implements ServerInterceptor, Prioritized {
    static final Metadata.Key<String> GRPC_MESSAGE = Metadata.Key.of("grpc-message", Metadata.ASCII_STRING_MARSHALLER);
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        return next.startCall(new SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                if (status.getDescription() != null && !status.isOk()) {
                    trailers.put(GRPC_MESSAGE, percentEncode(status.getDescription()));
                    status = status.withDescription(null);
                }
                super.close(status, trailers);
            }
        }, headers);
    }

    /** Outermost of all interceptors, so it sees the statuses the others (auth, Quarkus's exception mapping) close with. */
    @Override
    public int getPriority() {
        return Integer.MAX_VALUE;
    }

    /** The specification's encoding: space and visible ASCII stay as they are, except '%'; every other byte is %XX. */
    static String percentEncode(String description) {
        byte[] utf8 = description.getBytes(StandardCharsets.UTF_8);
        byte[] encoded = new byte[utf8.length * 3];
        int length = 0;
        for (byte b : utf8) {
            if (b >= ' ' && b <= '~' && b != '%') {
                encoded[length++] = b;
            } else {
                encoded[length++] = '%';
                encoded[length++] = HEX[(b >> 4) & 0xF];
                encoded[length++] = HEX[b & 0xF];
            }
        }
        return new String(encoded, 0, length, StandardCharsets.US_ASCII);
    }
}
