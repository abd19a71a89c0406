package io.vippy.api.grpc;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import io.vippy.api.grpc.v1.AddBackendRequest;
import io.vippy.api.grpc.v1.Backend;
import io.vippy.api.grpc.v1.CreateLoadBalancerRequest;
import io.vippy.api.grpc.v1.DeleteLoadBalancerRequest;
import io.vippy.api.grpc.v1.GetLoadBalancerRequest;
import io.vippy.api.grpc.v1.ListLoadBalancersRequest;
import io.vippy.api.grpc.v1.LoadBalancer;
import io.vippy.api.grpc.v1.LoadBalancerEvent;
import io.vippy.api.grpc.v1.MutinyLoadBalancerServiceGrpc;
import io.vippy.api.grpc.v1.MutinyLoadBalancerServiceGrpc.MutinyLoadBalancerServiceStub;
import io.vippy.api.grpc.v1.RemoveBackendRequest;
import io.vippy.api.grpc.v1.UpdateBackendRequest;
import io.vippy.api.grpc.v1.WatchLoadBalancersRequest;
import io.vippy.testing.VippyTestEnvironment;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gRPC API through a generated client on the REST port: the walkthrough, errors, auth, health, reflection, watch. */
@QuarkusTest
@WithTestResource(VippyTestEnvironment.class)
class LoadBalancerGrpcTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private ManagedChannel channel;
    private MutinyLoadBalancerServiceStub client;

    @BeforeEach
    void connect() {
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        channel = ManagedChannelBuilder.forAddress("localhost", port).usePlaintext().build();
        client = authorized(MutinyLoadBalancerServiceGrpc.newMutinyStub(channel), "Bearer " + VippyTestEnvironment.TOKEN);
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private static MutinyLoadBalancerServiceStub authorized(MutinyLoadBalancerServiceStub stub, String authorization) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), authorization);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    private static Status.Code codeOf(Runnable call) {
        return assertThrows(StatusRuntimeException.class, call::run).getStatus().getCode();
    }

    private LoadBalancer awaitActive(String uuid) {
        return await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(
                () -> client.getLoadBalancer(GetLoadBalancerRequest.newBuilder().setUuid(uuid).build()).await().atMost(WAIT),
                lb -> lb.getStatus() == io.vippy.api.grpc.v1.Status.ACTIVE);
    }

    @Test
    void aRequestIdMakesCreateAndAddBackendSafeToRetry() {
        CreateLoadBalancerRequest create = CreateLoadBalancerRequest.newBuilder().setName("grpc retried").setPort(6444)
                .setRequestId("grpc-create-1").build();
        LoadBalancer first = client.createLoadBalancer(create).await().atMost(WAIT);
        LoadBalancer again = client.createLoadBalancer(create).await().atMost(WAIT);
        assertEquals(first.getUuid(), again.getUuid(), "the retry answers the first load balancer");
        assertEquals(1, client.listLoadBalancers(ListLoadBalancersRequest.getDefaultInstance()).await().atMost(WAIT)
                .getLoadBalancersList().stream().filter(lb -> lb.getName().equals("grpc retried")).count());
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> client.createLoadBalancer(
                create.toBuilder().setPort(6445).build()).await().atMost(WAIT));
        assertEquals(Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode());
        assertTrue(refused.getStatus().getDescription().contains("different request"), refused.getStatus().getDescription());

        AddBackendRequest add = AddBackendRequest.newBuilder().setLoadBalancerUuid(first.getUuid()).setIp("10.0.0.7")
                .setPort(80).setRequestId("grpc-create-1").build();
        Backend backend = client.addBackend(add).await().atMost(WAIT);
        assertEquals(backend.getUuid(), client.addBackend(add).await().atMost(WAIT).getUuid(),
                "a retry answers the first backend, not ALREADY_EXISTS; the create's key is another operation's");
        assertEquals(1, client.getLoadBalancer(GetLoadBalancerRequest.newBuilder().setUuid(first.getUuid()).build())
                .await().atMost(WAIT).getBackendsCount());
        client.deleteLoadBalancer(DeleteLoadBalancerRequest.newBuilder().setUuid(first.getUuid()).build())
                .await().atMost(WAIT);
    }

    @Test
    void theWalkthroughOverGrpc() {
        LoadBalancer created = client.createLoadBalancer(CreateLoadBalancerRequest.newBuilder()
                .setName("test loadbalancer").setPort(6443).build()).await().atMost(WAIT);
        assertEquals("rr", created.getScheduler());
        assertEquals("tcp", created.getProtocol());
        LoadBalancer active = awaitActive(created.getUuid());
        assertTrue(active.getEip().startsWith("203.0.113."), active.getEip());

        Backend backend = client.addBackend(AddBackendRequest.newBuilder().setLoadBalancerUuid(created.getUuid())
                .setIp("10.80.96.25").setPort(6443).build()).await().atMost(WAIT);
        assertEquals(1, backend.getWeight());
        assertTrue(client.listLoadBalancers(ListLoadBalancersRequest.getDefaultInstance()).await().atMost(WAIT)
                .getLoadBalancersList().stream()
                .anyMatch(lb -> lb.getUuid().equals(created.getUuid()) && lb.getBackendsCount() == 1));

        assertEquals(0, client.updateBackend(UpdateBackendRequest.newBuilder().setLoadBalancerUuid(created.getUuid())
                .setBackendUuid(backend.getUuid()).setWeight(0).build()).await().atMost(WAIT).getWeight());
        client.removeBackend(RemoveBackendRequest.newBuilder().setLoadBalancerUuid(created.getUuid())
                .setBackendUuid(backend.getUuid()).build()).await().atMost(WAIT);

        client.deleteLoadBalancer(DeleteLoadBalancerRequest.newBuilder().setUuid(created.getUuid()).build())
                .await().atMost(WAIT);
        await().atMost(WAIT).until(() -> codeOf(() -> client.getLoadBalancer(
                GetLoadBalancerRequest.newBuilder().setUuid(created.getUuid()).build()).await().atMost(WAIT))
                == Status.Code.NOT_FOUND);
    }

    @Test
    void errorsMapToStatusCodes() {
        assertEquals(Status.Code.INVALID_ARGUMENT, codeOf(() -> client.createLoadBalancer(
                CreateLoadBalancerRequest.newBuilder().setPort(80).build()).await().atMost(WAIT)));
        assertEquals(Status.Code.INVALID_ARGUMENT, codeOf(() -> client.createLoadBalancer(
                CreateLoadBalancerRequest.newBuilder().setName("x").setPort(70000).build()).await().atMost(WAIT)));
        assertEquals(Status.Code.INVALID_ARGUMENT, codeOf(() -> client.getLoadBalancer(
                GetLoadBalancerRequest.newBuilder().setUuid("nope").build()).await().atMost(WAIT)));
        assertEquals(Status.Code.NOT_FOUND, codeOf(() -> client.getLoadBalancer(
                GetLoadBalancerRequest.newBuilder().setUuid("00000000-0000-4000-8000-000000000000").build())
                .await().atMost(WAIT)));

        LoadBalancer lb = client.createLoadBalancer(CreateLoadBalancerRequest.newBuilder().setName("dup").setPort(81)
                .build()).await().atMost(WAIT);
        AddBackendRequest add = AddBackendRequest.newBuilder().setLoadBalancerUuid(lb.getUuid()).setIp("10.0.0.1")
                .setPort(81).build();
        client.addBackend(add).await().atMost(WAIT);
        assertEquals(Status.Code.ALREADY_EXISTS, codeOf(() -> client.addBackend(add).await().atMost(WAIT)));
        assertEquals(Status.Code.INVALID_ARGUMENT, codeOf(() -> client.addBackend(add.toBuilder().setIp("10.0.0.256")
                .build()).await().atMost(WAIT)));
        client.deleteLoadBalancer(DeleteLoadBalancerRequest.newBuilder().setUuid(lb.getUuid()).build()).await().atMost(WAIT);
    }

    @Test
    void unauthenticatedCallsAreRefusedButHealthIsOpen() {
        MutinyLoadBalancerServiceStub anonymous = MutinyLoadBalancerServiceGrpc.newMutinyStub(channel);
        assertEquals(Status.Code.UNAUTHENTICATED, codeOf(() -> anonymous.listLoadBalancers(
                ListLoadBalancersRequest.getDefaultInstance()).await().atMost(WAIT)));
        assertEquals(Status.Code.UNAUTHENTICATED, codeOf(() -> authorized(anonymous, "Bearer wrong-0123456789abcdef")
                .listLoadBalancers(ListLoadBalancersRequest.getDefaultInstance()).await().atMost(WAIT)));

        HealthCheckResponse health = HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance());
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, health.getStatus());
    }

    @Test
    void reflectionListsTheService() throws Exception {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + VippyTestEnvironment.TOKEN);
        CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse value) {
                        answer.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        answer.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        List<String> services = answer.get(15, TimeUnit.SECONDS).getListServicesResponse().getServiceList().stream()
                .map(s -> s.getName()).toList();
        requests.onCompleted();
        assertTrue(services.contains("vippy.v1.LoadBalancerService"), services.toString());
    }

    @Test
    void twoConcurrentWatchersSeeTheSnapshotThenEveryChangeInTheSameOrder() {
        AssertSubscriber<LoadBalancerEvent> first = client.watchLoadBalancers(WatchLoadBalancersRequest.getDefaultInstance())
                .subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        AssertSubscriber<LoadBalancerEvent> second = client.watchLoadBalancers(WatchLoadBalancersRequest.getDefaultInstance())
                .subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        await().atMost(WAIT).until(() -> snapshotEnded(first) && snapshotEnded(second));

        LoadBalancer lb = client.createLoadBalancer(CreateLoadBalancerRequest.newBuilder().setName("watched")
                .setPort(8443).build()).await().atMost(WAIT);
        client.addBackend(AddBackendRequest.newBuilder().setLoadBalancerUuid(lb.getUuid()).setIp("10.1.1.1")
                .setPort(8443).build()).await().atMost(WAIT);
        client.deleteLoadBalancer(DeleteLoadBalancerRequest.newBuilder().setUuid(lb.getUuid()).build()).await().atMost(WAIT);
        await().atMost(WAIT).until(() -> sawDeletion(first, lb.getUuid()) && sawDeletion(second, lb.getUuid()));

        List<LoadBalancerEvent> live = liveEvents(first, lb.getUuid());
        assertEquals(live, liveEvents(second, lb.getUuid()), "both watchers see the same events in the same order");
        assertEquals(LoadBalancerEvent.Type.UPSERTED, live.get(0).getType());
        assertEquals(io.vippy.api.grpc.v1.Status.PENDING, live.get(0).getLoadBalancer().getStatus());
        assertEquals(LoadBalancerEvent.Type.DELETED, live.get(live.size() - 1).getType());
        assertTrue(live.stream().anyMatch(e -> e.getLoadBalancer().getStatus() == io.vippy.api.grpc.v1.Status.ACTIVE)
                || live.stream().anyMatch(e -> e.getLoadBalancer().getBackendsCount() == 1));
        for (int i = 1; i < live.size(); i++) {
            // A node's own changes (status, health) carry the revision of the stored state they describe.
            assertTrue(live.get(i).getRevision() >= live.get(i - 1).getRevision(), "revisions never decrease");
        }
        assertFalse(first.getItems().stream().anyMatch(e -> e.getType() == LoadBalancerEvent.Type.RESYNC));
        first.cancel();
        second.cancel();
    }

    private static boolean snapshotEnded(AssertSubscriber<LoadBalancerEvent> watcher) {
        return watcher.getItems().stream().anyMatch(e -> e.getType() == LoadBalancerEvent.Type.SNAPSHOT_END);
    }

    private static boolean sawDeletion(AssertSubscriber<LoadBalancerEvent> watcher, String uuid) {
        return liveEvents(watcher, uuid).stream().anyMatch(e -> e.getType() == LoadBalancerEvent.Type.DELETED);
    }

    private static List<LoadBalancerEvent> liveEvents(AssertSubscriber<LoadBalancerEvent> watcher, String uuid) {
        return watcher.getItems().stream()
                .filter(e -> e.getType() == LoadBalancerEvent.Type.UPSERTED || e.getType() == LoadBalancerEvent.Type.DELETED)
                .filter(e -> e.getLoadBalancer().getUuid().equals(uuid))
                .toList();
    }
}
