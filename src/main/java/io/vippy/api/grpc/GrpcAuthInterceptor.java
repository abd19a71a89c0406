package io.vippy.api.grpc;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import io.vippy.api.ApiToken;
import jakarta.enterprise.context.ApplicationScoped;

/** Requires {@code authorization: Bearer <token>} on every gRPC call but the standard health service. */
@GlobalInterceptor
@ApplicationScoped
public class GrpcAuthInterceptor implements ServerInterceptor {
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final String HEALTH_SERVICE = "grpc.health.v1.Health";

    private final ApiToken token;

    GrpcAuthInterceptor(ApiToken token) {
        this.token = token;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        boolean health = HEALTH_SERVICE.equals(call.getMethodDescriptor().getServiceName());
        if (health || token.accepts(headers.get(AUTHORIZATION))) {
            return next.startCall(call, headers);
        }
        call.close(Status.UNAUTHENTICATED.withDescription(
                "this call needs metadata 'authorization: Bearer <token>'"), new Metadata());
        return new ServerCall.Listener<>() {
        };
    }
}
