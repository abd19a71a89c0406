package io.vippy.core;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vippy.core.events.LoadBalancerEvent;
import io.vippy.core.model.Addresses;
import io.vippy.core.model.Backend;
import io.vippy.core.model.BackendHealth;
import io.vippy.core.model.ConflictException;
import io.vippy.core.model.IpFamily;
import io.vippy.core.model.LoadBalancer;
import io.vippy.core.model.LoadBalancerStatus;
import io.vippy.core.model.NotFoundException;
import io.vippy.core.model.UnprocessableException;
import io.vippy.core.model.ValidationException;
import io.vippy.core.reconciler.Reconciler;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * The one application service behind the REST and gRPC APIs: validates a request and records it (durably,
 * before answering); the reconciler acts on every recorded change, whichever node made it. Blocking (the store): call it on a worker thread.
 */
@ApplicationScoped
public class LoadBalancerService {
    static final int MAX_NAME_LENGTH = 255;
    static final int MAX_BACKENDS = 4096;
    /** How long a DELETE waits for the teardown before answering "accepted" instead of "gone". */
    static final Duration DELETE_WAIT = Duration.ofSeconds(2);

    private final LoadBalancerRegistry registry;
    private final Reconciler reconciler;
    private final Dataplane dataplane;

    LoadBalancerService(LoadBalancerRegistry registry, Reconciler reconciler, Dataplane dataplane) {
        this.registry = registry;
        this.reconciler = reconciler;
        this.dataplane = dataplane;
    }

    public LoadBalancer create(LoadBalancerSpec spec) {
        if (spec.name() == null || spec.name().isBlank()) {
            throw new ValidationException("name is required.");
        }
        if (spec.name().length() > MAX_NAME_LENGTH) {
            throw new ValidationException("name must be at most " + MAX_NAME_LENGTH + " characters.");
        }
        requirePort(spec.port(), "port");
        if (!dataplane.supports(spec.scheduler())) {
            throw new UnprocessableException("the " + dataplane.name() + " dataplane cannot do scheduler "
                    + spec.scheduler().wireName() + "; use rr, wrr or mh.");
        }
        LoadBalancer lb = new LoadBalancer(UUID.randomUUID(), spec.name(), spec.port(), spec.protocol(),
                spec.scheduler(), spec.ipFamily(), spec.healthCheck(), null, List.of(), LoadBalancerStatus.PENDING, "");
        registry.create(lb);
        return lb;
    }

    public LoadBalancer get(UUID uuid) {
        return registry.require(uuid);
    }

    public List<LoadBalancer> list() {
        return registry.list();
    }

    /** Starts the teardown; the Uni says true once the load balancer is gone, false if it is still going. */
    public Uni<Boolean> delete(UUID uuid) {
        registry.update(uuid, lb -> lb.withStatus(LoadBalancerStatus.DELETING, ""));
        return registry.removal(uuid).replaceWith(true)
                .ifNoItem().after(DELETE_WAIT).recoverWithItem(false);
    }

    public Backend addBackend(UUID lbUuid, BackendSpec spec) {
        requirePort(spec.port(), "port");
        requireWeight(spec.weight());
        Backend backend = new Backend(UUID.randomUUID(), spec.ip(), spec.port(), spec.weight(), BackendHealth.UNKNOWN);
        registry.update(lbUuid, lb -> {
            requireChangeable(lb);
            checkBackendAddress(lb, spec.ip());
            if (lb.backends().stream().anyMatch(b -> b.ip().equals(spec.ip()) && b.port() == spec.port())) {
                throw new ConflictException("load balancer " + lbUuid + " already has backend "
                        + backend.endpoint() + ".");
            }
            if (lb.backends().size() >= MAX_BACKENDS) {
                throw new UnprocessableException("a load balancer can have at most " + MAX_BACKENDS + " backends.");
            }
            return lb.withBackendAdded(backend);
        });
        return backend;
    }

    public Backend updateBackend(UUID lbUuid, UUID backendUuid, int weight) {
        requireWeight(weight);
        LoadBalancer updated = registry.update(lbUuid, lb -> {
            requireChangeable(lb);
            Backend backend = requireBackend(lb, backendUuid);
            return lb.withBackendReplaced(backend.withWeight(weight));
        });
        return requireBackend(updated, backendUuid);
    }

    /**
     * Records what health checking concluded about a backend. Writes (and re-programs the dataplane) only
     * when the health changed, so a steady state costs nothing; a load balancer or backend that is gone, or
     * being deleted, is left alone.
     */
    public void recordHealth(UUID lbUuid, UUID backendUuid, BackendHealth health) {
        boolean unchanged = registry.get(lbUuid)
                .filter(lb -> lb.status() != LoadBalancerStatus.DELETING)
                .flatMap(lb -> lb.backend(backendUuid))
                .map(backend -> backend.health() == health)
                .orElse(true);
        if (unchanged) {
            return;
        }
        try {
            registry.update(lbUuid, lb -> lb.status() == LoadBalancerStatus.DELETING ? lb : lb.backend(backendUuid)
                    .map(backend -> lb.withBackendReplaced(backend.withHealth(health)))
                    .orElse(lb));
        } catch (NotFoundException gone) {
            return;
        }
        reconciler.trigger(lbUuid);
    }

    public void removeBackend(UUID lbUuid, UUID backendUuid) {
        registry.update(lbUuid, lb -> {
            requireChangeable(lb);
            requireBackend(lb, backendUuid);
            return lb.withBackendRemoved(backendUuid);
        });
    }

    /** The current state then every change; or, from a revision seen before, every change since (see the registry). */
    public Multi<LoadBalancerEvent> watch(OptionalLong fromRevision) {
        return registry.watch(fromRevision);
    }

    private static Backend requireBackend(LoadBalancer lb, UUID backendUuid) {
        return lb.backend(backendUuid).orElseThrow(() -> new NotFoundException(
                "load balancer " + lb.uuid() + " has no backend with uuid " + backendUuid + "."));
    }

    private static void requireChangeable(LoadBalancer lb) {
        if (lb.status() == LoadBalancerStatus.DELETING) {
            throw new ConflictException("load balancer " + lb.uuid() + " is being deleted.");
        }
    }

    private static void checkBackendAddress(LoadBalancer lb, InetAddress ip) {
        if (IpFamily.of(ip) != lb.ipFamily()) {
            throw new ValidationException("backend ip " + Addresses.format(ip) + " is not " + lb.ipFamily().wireName()
                    + " like the load balancer; NAT cannot cross address families.");
        }
        if (ip.isAnyLocalAddress() || ip.isMulticastAddress()) {
            throw new ValidationException("backend ip " + Addresses.format(ip) + " is not a unicast host address.");
        }
        if (ip.equals(lb.address())) {
            throw new ValidationException("backend ip " + Addresses.format(ip)
                    + " is the load balancer's own address; traffic would loop.");
        }
    }

    private static void requirePort(int port, String field) {
        if (port < 1 || port > 65535) {
            throw new ValidationException(field + " must be a number from 1 to 65535.");
        }
    }

    private static void requireWeight(int weight) {
        if (weight < 0 || weight > Backend.MAX_WEIGHT) {
            throw new ValidationException("weight must be a number from 0 to " + Backend.MAX_WEIGHT + ".");
        }
    }
}
