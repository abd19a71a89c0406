package io.vippy.api.grpc;

import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vippy.api.grpc.v1.AddBackendRequest;
import io.vippy.api.grpc.v1.Backend;
import io.vippy.api.grpc.v1.CreateLoadBalancerRequest;
import io.vippy.api.grpc.v1.DeleteLoadBalancerRequest;
import io.vippy.api.grpc.v1.DeleteLoadBalancerResponse;
import io.vippy.api.grpc.v1.GetLoadBalancerRequest;
import io.vippy.api.grpc.v1.ListBgpPeersRequest;
import io.vippy.api.grpc.v1.ListBgpPeersResponse;
import io.vippy.api.grpc.v1.ListLoadBalancersRequest;
import io.vippy.api.grpc.v1.ListLoadBalancersResponse;
import io.vippy.api.grpc.v1.LoadBalancer;
import io.vippy.api.grpc.v1.LoadBalancerEvent;
import io.vippy.api.grpc.v1.LoadBalancerService;
import io.vippy.api.grpc.v1.RemoveBackendRequest;
import io.vippy.api.grpc.v1.RemoveBackendResponse;
import io.vippy.api.grpc.v1.UpdateBackendRequest;
import io.vippy.api.grpc.v1.WatchLoadBalancersRequest;
import io.vippy.api.grpc.v1.ListNodesRequest;
import io.vippy.api.grpc.v1.ListNodesResponse;
import io.vippy.core.ClusterNodes;
import io.vippy.core.RouteAnnouncer;
import java.util.OptionalLong;
import java.util.function.Supplier;

/** {@code vippy.v1.LoadBalancerService}: thin, every call goes to the core's service on a worker thread. */
@GrpcService
public class LoadBalancerGrpcService implements LoadBalancerService {
    private final io.vippy.core.LoadBalancerService service;
    private final RouteAnnouncer announcer;
    private final ClusterNodes cluster;

    LoadBalancerGrpcService(io.vippy.core.LoadBalancerService service, RouteAnnouncer announcer, ClusterNodes cluster) {
        this.service = service;
        this.announcer = announcer;
        this.cluster = cluster;
    }

    @Override
    public Uni<LoadBalancer> createLoadBalancer(CreateLoadBalancerRequest request) {
        return call(() -> GrpcMessages.message(service.create(GrpcMessages.spec(request))));
    }

    @Override
    public Uni<LoadBalancer> getLoadBalancer(GetLoadBalancerRequest request) {
        return call(() -> GrpcMessages.message(service.get(GrpcMessages.uuid(request.getUuid(), "uuid"))));
    }

    @Override
    public Uni<ListLoadBalancersResponse> listLoadBalancers(ListLoadBalancersRequest request) {
        return call(() -> ListLoadBalancersResponse.newBuilder()
                .addAllLoadBalancers(service.list().stream().map(GrpcMessages::message).toList())
                .build());
    }

    @Override
    public Uni<DeleteLoadBalancerResponse> deleteLoadBalancer(DeleteLoadBalancerRequest request) {
        return call(() -> service.delete(GrpcMessages.uuid(request.getUuid(), "uuid")))
                .chain(gone -> gone)
                .map(gone -> DeleteLoadBalancerResponse.newBuilder().setDeleted(gone).build())
                .onFailure().transform(GrpcErrors::toStatus);
    }

    @Override
    public Uni<Backend> addBackend(AddBackendRequest request) {
        return call(() -> GrpcMessages.message(service.addBackend(
                GrpcMessages.uuid(request.getLoadBalancerUuid(), "load_balancer_uuid"), GrpcMessages.backendSpec(request))));
    }

    @Override
    public Uni<Backend> updateBackend(UpdateBackendRequest request) {
        return call(() -> GrpcMessages.message(service.updateBackend(
                GrpcMessages.uuid(request.getLoadBalancerUuid(), "load_balancer_uuid"),
                GrpcMessages.uuid(request.getBackendUuid(), "backend_uuid"), request.getWeight())));
    }

    @Override
    public Uni<RemoveBackendResponse> removeBackend(RemoveBackendRequest request) {
        return call(() -> {
            service.removeBackend(GrpcMessages.uuid(request.getLoadBalancerUuid(), "load_balancer_uuid"),
                    GrpcMessages.uuid(request.getBackendUuid(), "backend_uuid"));
            return RemoveBackendResponse.getDefaultInstance();
        });
    }

    @Override
    public Multi<LoadBalancerEvent> watchLoadBalancers(WatchLoadBalancersRequest request) {
        OptionalLong from = request.hasFromRevision() ? OptionalLong.of(request.getFromRevision()) : OptionalLong.empty();
        return service.watch(from)
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .map(GrpcMessages::message);
    }

    @Override
    public Uni<ListBgpPeersResponse> listBgpPeers(ListBgpPeersRequest request) {
        return call(() -> ListBgpPeersResponse.newBuilder()
                .addAllPeers(announcer.peers().stream().map(GrpcMessages::message).toList())
                .build());
    }

    @Override
    public Uni<ListNodesResponse> listNodes(ListNodesRequest request) {
        return call(() -> ListNodesResponse.newBuilder()
                .addAllNodes(cluster.nodes().stream().map(GrpcMessages::message).toList())
                .build());
    }

    /** Runs a blocking core call on a worker thread and maps its failure to a gRPC status. */
    private static <T> Uni<T> call(Supplier<T> work) {
        return Uni.createFrom().item(work)
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onFailure().transform(GrpcErrors::toStatus);
    }
}
