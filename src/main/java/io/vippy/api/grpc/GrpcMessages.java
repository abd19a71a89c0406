package io.vippy.api.grpc;

import io.vippy.api.grpc.v1.BgpPeer;
import io.vippy.api.grpc.v1.CreateLoadBalancerRequest;
import io.vippy.api.grpc.v1.HealthCheck;
import io.vippy.api.grpc.v1.LoadBalancerEvent;
import io.vippy.api.grpc.v1.Status;
import io.vippy.core.BackendSpec;
import io.vippy.core.LoadBalancerSpec;
import io.vippy.api.grpc.v1.Node;
import io.vippy.core.NodeStatus;
import io.vippy.core.PeerStatus;
import io.vippy.core.model.Addresses;
import io.vippy.core.model.Backend;
import io.vippy.core.model.HealthCheckSpec;
import io.vippy.core.model.IpFamily;
import io.vippy.core.model.LoadBalancer;
import io.vippy.core.model.Protocol;
import io.vippy.core.model.Scheduler;
import io.vippy.core.model.ValidationException;
import java.util.UUID;

/** Converts between the generated protobuf messages and the core's model, applying the contract's defaults. */
final class GrpcMessages {
    private GrpcMessages() {
    }

    static LoadBalancerSpec spec(CreateLoadBalancerRequest request) {
        return new LoadBalancerSpec(
                request.getName(),
                request.getPort(),
                request.getProtocol().isEmpty() ? Protocol.TCP : Protocol.parse(request.getProtocol()),
                request.getScheduler().isEmpty() ? Scheduler.RR : Scheduler.parse(request.getScheduler()),
                request.getIpFamily().isEmpty() ? IpFamily.IPV4 : IpFamily.parse(request.getIpFamily()),
                request.hasHealthCheck() ? healthCheck(request.getHealthCheck()) : HealthCheckSpec.DEFAULT);
    }

    private static HealthCheckSpec healthCheck(HealthCheck check) {
        HealthCheckSpec defaults = HealthCheckSpec.DEFAULT;
        return new HealthCheckSpec(
                HealthCheckSpec.Type.parse(check.getType()),
                check.getPath().isEmpty() ? null : check.getPath(),
                check.getIntervalMs() == 0 ? defaults.intervalMs() : check.getIntervalMs(),
                check.getTimeoutMs() == 0 ? defaults.timeoutMs() : check.getTimeoutMs(),
                check.getRise() == 0 ? defaults.rise() : check.getRise(),
                check.getFall() == 0 ? defaults.fall() : check.getFall());
    }

    static BackendSpec backendSpec(io.vippy.api.grpc.v1.AddBackendRequest request) {
        return new BackendSpec(Addresses.parseLiteral(request.getIp(), "ip"), request.getPort(),
                request.hasWeight() ? request.getWeight() : BackendSpec.DEFAULT_WEIGHT);
    }

    static UUID uuid(String text, String field) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw new ValidationException(field + " must be a uuid, not \"" + text + "\".");
        }
    }

    static io.vippy.api.grpc.v1.LoadBalancer message(LoadBalancer lb) {
        HealthCheckSpec check = lb.healthCheck();
        return io.vippy.api.grpc.v1.LoadBalancer.newBuilder()
                .setUuid(lb.uuid().toString())
                .setName(lb.name())
                .setEip(lb.address() == null ? "" : Addresses.format(lb.address()))
                .setPort(lb.port())
                .addAllBackends(lb.backends().stream().map(GrpcMessages::message).toList())
                .setProtocol(lb.protocol().wireName())
                .setScheduler(lb.scheduler().wireName())
                .setStatus(Status.valueOf(lb.status().name()))
                .setMessage(lb.message())
                .setIpFamily(lb.ipFamily().wireName())
                .setHealthCheck(HealthCheck.newBuilder()
                        .setType(check.type().wireName())
                        .setPath(check.path() == null ? "" : check.path())
                        .setIntervalMs(check.intervalMs())
                        .setTimeoutMs(check.timeoutMs())
                        .setRise(check.rise())
                        .setFall(check.fall()))
                .build();
    }

    static io.vippy.api.grpc.v1.Backend message(Backend backend) {
        return io.vippy.api.grpc.v1.Backend.newBuilder()
                .setUuid(backend.uuid().toString())
                .setIp(Addresses.format(backend.ip()))
                .setPort(backend.port())
                .setWeight(backend.weight())
                .setHealth(backend.health().wireName())
                .build();
    }

    static Node message(NodeStatus node) {
        return Node.newBuilder().setName(node.name()).setAddress(node.address()).setVersion(node.version())
                .setAlive(node.alive()).setLeader(node.leader()).setLoadBalancers(node.loadBalancers())
                .setBgpSessionsUp(node.bgpSessionsUp()).build();
    }

    static BgpPeer message(PeerStatus peer) {
        return BgpPeer.newBuilder()
                .setPeer(peer.peer())
                .setPeerAsn(peer.peerAsn())
                .setState(peer.state())
                .setEstablishedSinceEpochMs(peer.establishedSince() == null ? 0 : peer.establishedSince().toEpochMilli())
                .setPrefixesSent(peer.prefixesSent())
                .setLastError(peer.lastError() == null ? "" : peer.lastError())
                .build();
    }

    static LoadBalancerEvent message(io.vippy.core.events.LoadBalancerEvent event) {
        LoadBalancerEvent.Builder builder = LoadBalancerEvent.newBuilder()
                .setType(LoadBalancerEvent.Type.valueOf(event.type().name()))
                .setRevision(event.revision());
        if (event.loadBalancer() != null) {
            builder.setLoadBalancer(message(event.loadBalancer()));
        }
        return builder.build();
    }
}
