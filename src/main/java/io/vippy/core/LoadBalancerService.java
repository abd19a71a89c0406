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
import io.vippy.core.model.Scheduler;
import io.vippy.core.model.UnprocessableException;
import io.vippy.core.model.ValidationException;
import io.vippy.core.reconciler.Reconciler;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
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

    /** The operations an idempotency key is scoped to; a backend's is followed by its load balancer's uuid. */
    static final String CREATE_SCOPE = "create";
    static final String BACKEND_SCOPE = "add-backend ";

    private final LoadBalancerRegistry registry;
    private final Reconciler reconciler;
    private final Dataplane dataplane;
    private final Scheduler defaultScheduler;
    private final HealthAgreement agreement;
    private final IdempotencyRecords idempotency;

    LoadBalancerService(LoadBalancerRegistry registry, Reconciler reconciler, Dataplane dataplane, VippyConfig config,
            HealthAgreement agreement, IdempotencyRecords idempotency) {
        this.registry = registry;
        this.reconciler = reconciler;
        this.dataplane = dataplane;
        this.defaultScheduler = config.clustered() ? Scheduler.MH : Scheduler.RR;
        this.agreement = agreement;
        this.idempotency = idempotency;
        agreement.onAgreed(this::applyAgreedHealth);
    }

    /**
     * Records a new load balancer. With an idempotency key, a repeat of the first request made with it (within
     * {@link IdempotencyRecords#TTL}, on any node) answers the load balancer that request made, as it is now, and
     * makes nothing; another request with that key is refused, and so is a repeat once that load balancer is deleted.
     */
    public LoadBalancer create(LoadBalancerSpec spec, Optional<String> idempotencyKey) {
        if (spec.name() == null || spec.name().isBlank()) {
            throw new ValidationException("name is required.");
        }
        if (spec.name().length() > MAX_NAME_LENGTH) {
            throw new ValidationException("name must be at most " + MAX_NAME_LENGTH + " characters.");
        }
        requirePort(spec.port(), "port");
        Scheduler scheduler = spec.scheduler() == null ? defaultScheduler : spec.scheduler();
        if (!dataplane.supports(scheduler)) {
            throw new UnprocessableException("the " + dataplane.name() + " dataplane cannot do scheduler "
                    + scheduler.wireName() + "; use rr, wrr or mh.");
        }
        Optional<IdempotencyKey> key = idempotencyKey.map(k -> new IdempotencyKey(CREATE_SCOPE, k));
        IdempotencyClaim claim = claim(key, spec);
        Optional<LoadBalancer> made = registry.get(claim.uuid());
        if (made.isPresent()) {
            return made.get();
        }
        if (claim.made()) {
            throw madeAndDeleted("load balancer " + claim.uuid(), "deleted", key.get());
        }
        // Not made yet, or the first attempt died between its claim and here: made now, once (the store compares).
        LoadBalancer created = registry.create(new LoadBalancer(claim.uuid(), spec.name(), spec.port(),
                spec.protocol(), scheduler, spec.ipFamily(), spec.healthCheck(), null, List.of(),
                LoadBalancerStatus.PENDING, ""));
        key.ifPresent(k -> idempotency.markMade(k, Instant.now()));
        return created;
    }

    /**
     * What a request is to make: a new uuid, or, with an idempotency key, the claim its first sending recorded.
     * Refuses a key that came with another request.
     */
    private IdempotencyClaim claim(Optional<IdempotencyKey> key, Record request) {
        String fingerprint = IdempotencyKey.fingerprint(request);
        IdempotencyClaim fresh = IdempotencyClaim.unmade(fingerprint, UUID.randomUUID());
        if (key.isEmpty()) {
            return fresh;
        }
        IdempotencyClaim held = idempotency.claim(key.get(), fresh, Instant.now());
        if (!held.fingerprint().equals(fingerprint)) {
            throw new UnprocessableException("the idempotency key \"" + key.get().key() + "\" came with a different"
                    + " request within the last " + IdempotencyRecords.TTL.toHours() + " h; repeat that request"
                    + " unchanged, or use a new key for a new request.");
        }
        return held;
    }

    /** A repeat whose first request made something that is gone now: making it again would not be a repeat. */
    private static UnprocessableException madeAndDeleted(String what, String how, IdempotencyKey key) {
        return new UnprocessableException(what + ", made by the first request with idempotency key \"" + key.key()
                + "\", has been " + how + " since; use a new key to make another.");
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

    /** Adds a backend; an idempotency key works as for {@link #create}, per load balancer. */
    public Backend addBackend(UUID lbUuid, BackendSpec spec, Optional<String> idempotencyKey) {
        requirePort(spec.port(), "port");
        requireWeight(spec.weight());
        Optional<IdempotencyKey> key = idempotencyKey.map(k -> new IdempotencyKey(BACKEND_SCOPE + lbUuid, k));
        IdempotencyClaim claim = claim(key, spec);
        UUID backendUuid = claim.uuid();
        Backend backend = new Backend(backendUuid, spec.ip(), spec.port(), spec.weight(), BackendHealth.UNKNOWN);
        LoadBalancer updated = registry.update(lbUuid, lb -> {
            if (lb.backend(backendUuid).isPresent()) {
                return lb; // a repeat of a request that added it already
            }
            if (claim.made()) {
                throw madeAndDeleted("backend " + backendUuid, "removed", key.get());
            }
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
        key.filter(k -> !claim.made()).ifPresent(k -> idempotency.markMade(k, Instant.now()));
        return requireBackend(updated, backendUuid);
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

    /** Hands what this node's health checks concluded to the agreement, which answers through {@link #applyAgreedHealth}. */
    public void recordHealth(UUID lbUuid, UUID backendUuid, BackendHealth health) {
        agreement.report(lbUuid, backendUuid, health);
    }

    /**
     * Hands the agreed health of a backend to the reconciler, which programs the kernel with it and only then records
     * it, so the API never shows a verdict the kernel does not act on yet. A steady state costs nothing; a load
     * balancer or backend that is gone, or being deleted, is left alone.
     */
    private void applyAgreedHealth(UUID lbUuid, UUID backendUuid, BackendHealth health) {
        registry.get(lbUuid)
                .filter(lb -> lb.status() != LoadBalancerStatus.DELETING && lb.backend(backendUuid).isPresent())
                .ifPresent(lb -> reconciler.reportHealth(lb, backendUuid, health));
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
