package io.vippy.core.model;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A load balancer as recorded: what the user asked for (name, port, protocol, scheduler, family, health
 * check, backends) and where the reconciler stands (address, status, message). Immutable; every change
 * makes a new value.
 */
public record LoadBalancer(
        UUID uuid,
        String name,
        int port,
        Protocol protocol,
        Scheduler scheduler,
        IpFamily ipFamily,
        HealthCheckSpec healthCheck,
        InetAddress address,
        List<Backend> backends,
        LoadBalancerStatus status,
        String message) {

    public LoadBalancer {
        backends = List.copyOf(backends);
        message = message == null ? "" : message;
    }

    /**
     * What must survive a restart: the request, the address, and whether it is being deleted. Status, message
     * and backend health describe the running process and are worked out again after a restart, so they are
     * stored as PENDING, empty and UNKNOWN; a change to them alone needs no disk write.
     */
    public LoadBalancer durableState() {
        LoadBalancerStatus durableStatus = status == LoadBalancerStatus.DELETING ? status : LoadBalancerStatus.PENDING;
        List<Backend> durableBackends = backends.stream().map(b -> b.withHealth(BackendHealth.UNKNOWN)).toList();
        return new LoadBalancer(uuid, name, port, protocol, scheduler, ipFamily, healthCheck, address, durableBackends,
                durableStatus, "");
    }

    public Optional<InetAddress> addressIfAllocated() {
        return Optional.ofNullable(address);
    }

    public Optional<Backend> backend(UUID backendUuid) {
        return backends.stream().filter(b -> b.uuid().equals(backendUuid)).findFirst();
    }

    public LoadBalancer withAddress(InetAddress newAddress) {
        return new LoadBalancer(uuid, name, port, protocol, scheduler, ipFamily, healthCheck, newAddress, backends,
                status, message);
    }

    public LoadBalancer withStatus(LoadBalancerStatus newStatus, String newMessage) {
        return new LoadBalancer(uuid, name, port, protocol, scheduler, ipFamily, healthCheck, address, backends,
                newStatus, newMessage);
    }

    public LoadBalancer withBackends(List<Backend> newBackends) {
        return new LoadBalancer(uuid, name, port, protocol, scheduler, ipFamily, healthCheck, address, newBackends,
                status, message);
    }

    public LoadBalancer withBackendAdded(Backend backend) {
        List<Backend> list = new ArrayList<>(backends);
        list.add(backend);
        return withBackends(list);
    }

    public LoadBalancer withBackendReplaced(Backend backend) {
        return withBackends(backends.stream().map(b -> b.uuid().equals(backend.uuid()) ? backend : b).toList());
    }

    public LoadBalancer withBackendRemoved(UUID backendUuid) {
        return withBackends(backends.stream().filter(b -> !b.uuid().equals(backendUuid)).toList());
    }
}
