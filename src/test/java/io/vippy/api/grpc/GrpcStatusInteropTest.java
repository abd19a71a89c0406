package io.vippy.api.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vippy.api.grpc.v1.AddBackendRequest;
import io.vippy.api.grpc.v1.CreateLoadBalancerRequest;
import io.vippy.api.grpc.v1.DeleteLoadBalancerRequest;
import io.vippy.api.grpc.v1.LoadBalancerServiceGrpc;
import io.vippy.api.grpc.v1.LoadBalancerServiceGrpc.LoadBalancerServiceBlockingStub;
import io.vippy.testing.GrpcJsClient;
import io.vippy.testing.VippyTestEnvironment;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What gRPC clients in two languages read from Vippy's errors: the sentence as written (no "%2C"), and
 * UNIMPLEMENTED for a method Vippy does not have (Quarkus issue 48192 reports UNKNOWN on the shared port).
 */
@QuarkusTest
@WithTestResource(VippyTestEnvironment.class)
class GrpcStatusInteropTest {
    private static final String BAD_SCHEDULER = "scheduler must be one of rr, wrr, mh, lc, wlc, sh, not \"bad\".";
    private static final String UNKNOWN_METHOD = "vippy.v1.LoadBalancerService/NoSuchMethod";
    private ManagedChannel channel;

    private static int port() {
        return ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
    }

    @BeforeEach
    void connect() {
        channel = ManagedChannelBuilder.forAddress("localhost", port()).usePlaintext().build();
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void grpcJavaReadsTheSentencesAndUnimplemented() {

        Status badScheduler = statusOf(() -> authorized().createLoadBalancer(CreateLoadBalancerRequest.newBuilder()
                .setName("grpc-java").setPort(80).setScheduler("bad").build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, badScheduler.getCode());
        assertEquals(BAD_SCHEDULER, badScheduler.getDescription());

        String uuid = authorized().createLoadBalancer(CreateLoadBalancerRequest.newBuilder().setName("grpc-java").setPort(80).build())
                .getUuid();
        AddBackendRequest backend = AddBackendRequest.newBuilder().setLoadBalancerUuid(uuid).setIp("10.0.0.1").setPort(80).build();
        authorized().addBackend(backend);
        Status duplicate = statusOf(() -> authorized().addBackend(backend));
        assertEquals(Status.Code.ALREADY_EXISTS, duplicate.getCode());
        assertEquals("load balancer " + uuid + " already has backend 10.0.0.1:80.", duplicate.getDescription());
        authorized().deleteLoadBalancer(DeleteLoadBalancerRequest.newBuilder().setUuid(uuid).build());

        Status unauthenticated = statusOf(() -> LoadBalancerServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS).createLoadBalancer(CreateLoadBalancerRequest.getDefaultInstance()));
        assertEquals(Status.Code.UNAUTHENTICATED, unauthenticated.getCode());
        assertEquals("this call needs metadata 'authorization: Bearer <token>'", unauthenticated.getDescription());

        Status unknown = statusOf(() -> ClientCalls.blockingUnaryCall(channel, unknownMethod(),
                CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), new byte[0]));
        assertEquals(Status.Code.UNIMPLEMENTED, unknown.getCode());
        assertEquals("Method not found: " + UNKNOWN_METHOD, unknown.getDescription());
    }

    @Test
    void grpcJsReadsTheSentencesAndUnimplemented() {
        Map<String, GrpcJsClient.CallStatus> statuses = GrpcJsClient.run("localhost:" + port(), VippyTestEnvironment.TOKEN, null);
        assertEquals(new GrpcJsClient.CallStatus(Status.Code.INVALID_ARGUMENT.value(), BAD_SCHEDULER), statuses.get("badScheduler"),
                statuses.toString());
        assertEquals(Status.Code.OK.value(), statuses.get("firstBackend").code(), statuses.toString());
        GrpcJsClient.CallStatus duplicate = statuses.get("duplicateBackend");
        assertEquals(Status.Code.ALREADY_EXISTS.value(), duplicate.code(), statuses.toString());
        assertTrue(duplicate.details().endsWith(" already has backend 10.0.0.1:80."), duplicate.details());
        assertEquals(new GrpcJsClient.CallStatus(Status.Code.UNIMPLEMENTED.value(), "Method not found: " + UNKNOWN_METHOD),
                statuses.get("unknownMethod"), statuses.toString());
    }

    /** A stub for one call: its deadline counts from now. */
    private LoadBalancerServiceBlockingStub authorized() {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + VippyTestEnvironment.TOKEN);
        return LoadBalancerServiceGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private static Status statusOf(Runnable call) {
        return assertThrows(StatusRuntimeException.class, call::run).getStatus();
    }

    /** A method the server does not have, with bytes in and out: no generated stub can name it. */
    private static MethodDescriptor<byte[], byte[]> unknownMethod() {
        MethodDescriptor.Marshaller<byte[]> bytes = new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(byte[] value) {
                return new ByteArrayInputStream(value);
            }

            @Override
            public byte[] parse(InputStream stream) {
                try {
                    return stream.readAllBytes();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        };
        return MethodDescriptor.<byte[], byte[]>newBuilder().setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(UNKNOWN_METHOD).setRequestMarshaller(bytes).setResponseMarshaller(bytes).build();
    }
}
