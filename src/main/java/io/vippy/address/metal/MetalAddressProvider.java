package io.vippy.address.metal;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vippy.address.metal.api.IpReservation;
import io.vippy.address.metal.api.IpReservationRequest;
import io.vippy.address.metal.api.MetalClient;
import io.vippy.core.AddressProvider;
import io.vippy.core.StateStore;
import io.vippy.core.StoredLoadBalancer;
import io.vippy.core.model.Addresses;
import io.vippy.core.model.IpFamily;
import io.vippy.core.model.LoadBalancer;
import io.vippy.core.model.PermanentFailure;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Load-balancer addresses as Equinix Metal Elastic IPs: one {@code public_ipv4} reservation of quantity 1
 * per load balancer, tagged {@code vippy}, {@code vippy:cluster=<id>} and {@code vippy:lb=<uuid>}.
 *
 * <p>Why nothing leaks, with no state of our own: the tags tie every reservation to a load balancer, and
 * the core records a load balancer durably (PENDING, no address) <em>before</em> it calls {@link #allocate},
 * and on delete marks it DELETING durably before {@link #release}, removing the row only after release
 * succeeded. So any reservation carrying our cluster tag either names a stored load balancer (keep it;
 * {@link #allocate} finds it again by tag, which covers a crash or a lost answer after the API committed)
 * or names none (an orphan: released by {@link #restore} and by the periodic scan). The scan lists
 * reservations <em>before</em> it reads the store, so a load balancer created meanwhile is never mistaken
 * for gone. A reservation without our exact cluster tag is never touched, whoever else uses the project.
 *
 * <p>Allocation is find-then-create, retried as a whole: creating is never repeated blindly, since a
 * dropped answer may hide a committed reservation. If two reservations ever name one load balancer, the
 * stored address (else the oldest) is kept and the other is released like an orphan.
 */
@ApplicationScoped
@Typed(MetalAddressProvider.class)
public class MetalAddressProvider implements AddressProvider {
    private static final Logger LOG = Logger.getLogger(MetalAddressProvider.class);
    private static final String DETAILS = "Vippy load balancer address";

    private final MetalClient client;
    private final MetalReservationSettings settings;
    private final MetalTags tags;
    private final Supplier<Uni<List<LoadBalancer>>> storedNow;
    private Cancellable orphanScan;

    @Inject
    MetalAddressProvider(MetalEnvironment environment, Instance<StateStore> store) {
        this(environment.client(), environment.reservationSettings(), () -> loadAll(store));
    }

    /** {@code storedNow} reads the stored load balancers afresh; the periodic scan asks it after listing. */
    public MetalAddressProvider(MetalClient client, MetalReservationSettings settings,
            Supplier<Uni<List<LoadBalancer>>> storedNow) {
        this.client = client;
        this.settings = settings;
        this.tags = new MetalTags(settings.clusterId());
        this.storedNow = storedNow;
    }

    @Override
    public String name() {
        return "equinix-metal";
    }

    @Override
    public Uni<InetAddress> allocate(UUID loadBalancer, IpFamily family) {
        if (family != IpFamily.IPV4) {
            return Uni.createFrom().failure(new PermanentFailure("Equinix Metal Elastic IPs are IPv4 only"
                    + " (public_ipv4 reservations); use ipFamily ipv4, or the static provider for IPv6"));
        }
        return client.retryPolicy()
                .run("reserve an Elastic IP for load balancer " + loadBalancer, () -> findOrCreate(loadBalancer))
                .map(reservation -> Addresses.parseLiteral(reservation.address(), "address"));
    }

    private Uni<IpReservation> findOrCreate(UUID loadBalancer) {
        return reservationsOf(loadBalancer).chain(existing -> {
            if (existing.isEmpty()) {
                return create(loadBalancer);
            }
            if (existing.size() > 1) {
                LOG.warnf("Load balancer %s has %d Elastic IPs; the orphan scan releases all but %s", loadBalancer,
                        existing.size(), keeper(existing, null).address());
            }
            return Uni.createFrom().item(keeper(existing, null));
        });
    }

    private Uni<IpReservation> create(UUID loadBalancer) {
        IpReservationRequest request = new IpReservationRequest("public_ipv4", 1, settings.metro().orElse(null),
                settings.metro().isPresent() ? null : settings.facility().orElse(null),
                tags.forLoadBalancer(loadBalancer), DETAILS, true);
        return client.createReservation(settings.project(), request).chain(created -> {
            if (!"created".equals(created.state())) {
                return client.deleteReservation(created.id()).chain(() -> Uni.createFrom().failure(
                        new PermanentFailure("Equinix Metal left the Elastic IP request " + created.state()
                                + " (it needs approval); raise the project's IP quota")));
            }
            LOG.infof("Reserved Elastic IP %s for load balancer %s", created.address(), loadBalancer);
            return Uni.createFrom().item(created);
        });
    }

    /** Deletes every reservation of ours for this load balancer (duplicates too); none left is success. */
    @Override
    public Uni<Void> release(UUID loadBalancer, InetAddress address) {
        return reservationsOf(loadBalancer).chain(held -> {
            if (held.stream().noneMatch(r -> r.address().equals(Addresses.format(address)))) {
                LOG.debugf("No Elastic IP %s held for load balancer %s", Addresses.format(address), loadBalancer);
            }
            return deleteAll(held, "load balancer " + loadBalancer + " released it");
        });
    }

    @Override
    public Uni<Void> restore(Collection<LoadBalancer> stored) {
        return scan(stored).invoke(this::startOrphanScan);
    }

    /** Lists ours first, then reads the store: what was created meanwhile is recorded by then. */
    Uni<Void> scan(Collection<LoadBalancer> given) {
        return ours().chain(reservations -> storedNow.get().chain(fresh -> {
            Map<UUID, LoadBalancer> stored = new HashMap<>();
            given.forEach(lb -> stored.put(lb.uuid(), lb));
            fresh.forEach(lb -> stored.put(lb.uuid(), lb));
            return settle(reservations, stored);
        }));
    }

    private Uni<Void> settle(List<IpReservation> reservations, Map<UUID, LoadBalancer> stored) {
        Map<UUID, List<IpReservation>> byLoadBalancer = new HashMap<>();
        for (IpReservation reservation : reservations) {
            Optional<UUID> owner = tags.loadBalancerOf(reservation);
            if (owner.isEmpty()) {
                LOG.warnf("Elastic IP %s has our cluster tag but no load balancer tag; leaving it alone",
                        reservation.address());
                continue;
            }
            byLoadBalancer.computeIfAbsent(owner.get(), k -> new ArrayList<>()).add(reservation);
        }
        List<Uni<Void>> steps = new ArrayList<>();
        byLoadBalancer.forEach((owner, held) -> {
            LoadBalancer lb = stored.get(owner);
            if (lb == null) {
                steps.add(orphaned(held, "load balancer " + owner + " no longer exists"));
                return;
            }
            IpReservation kept = keeper(held, lb.address());
            LOG.infof("Adopted Elastic IP %s of load balancer %s", kept.address(), owner);
            List<IpReservation> extra = held.stream().filter(r -> r != kept).toList();
            if (!extra.isEmpty()) {
                steps.add(orphaned(extra, "load balancer " + owner + " holds " + kept.address()));
            }
        });
        return steps.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(steps).andFailFast().replaceWithVoid();
    }

    private Uni<Void> orphaned(List<IpReservation> reservations, String why) {
        if (settings.orphanPolicy() == OrphanPolicy.REPORT) {
            reservations.forEach(r -> LOG.warnf("Orphaned Elastic IP %s (%s); vippy.metal.orphan-policy=report"
                    + " leaves it", r.address(), why));
            return Uni.createFrom().voidItem();
        }
        return deleteAll(reservations, why);
    }

    private Uni<Void> deleteAll(List<IpReservation> reservations, String why) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (IpReservation reservation : reservations) {
            chain = chain.chain(() -> client.deleteReservation(reservation.id())
                    .invoke(() -> LOG.infof("Released Elastic IP %s (%s)", reservation.address(), why)));
        }
        return chain;
    }

    /** The stored address when it is among them, else the oldest: every path picks the same one. */
    private static IpReservation keeper(List<IpReservation> held, InetAddress storedAddress) {
        if (storedAddress != null) {
            String text = Addresses.format(storedAddress);
            Optional<IpReservation> match = held.stream().filter(r -> text.equals(r.address())).findFirst();
            if (match.isPresent()) {
                return match.get();
            }
        }
        return held.stream()
                .min(Comparator.comparing(IpReservation::createdAt, Comparator.nullsLast(Comparator.naturalOrder()))
                        .thenComparing(IpReservation::id))
                .orElseThrow();
    }

    private Uni<List<IpReservation>> ours() {
        return client.listReservations(settings.project())
                .map(all -> all.stream().filter(tags::isOurs).toList());
    }

    private Uni<List<IpReservation>> reservationsOf(UUID loadBalancer) {
        return ours().map(all -> all.stream().filter(r -> tags.isFor(r, loadBalancer)).toList());
    }

    private synchronized void startOrphanScan() {
        if (orphanScan != null) {
            return;
        }
        orphanScan = Multi.createFrom().ticks().startingAfter(settings.orphanScanInterval())
                .every(settings.orphanScanInterval())
                .onOverflow().drop()
                .onItem().transformToUniAndConcatenate(tick -> scan(List.of())
                        .onFailure().invoke(f -> LOG.warnf("Elastic IP orphan scan failed: %s", f.getMessage()))
                        .onFailure().recoverWithNull())
                .subscribe().with(done -> { });
    }

    @Override
    public void standBy() {
        stopOrphanScan();
    }

    @PreDestroy
    synchronized void stopOrphanScan() {
        if (orphanScan != null) {
            orphanScan.cancel();
            orphanScan = null;
        }
    }

    private static Uni<List<LoadBalancer>> loadAll(Instance<StateStore> store) {
        if (!store.isResolvable()) {
            return Uni.createFrom().item(List.of());
        }
        return Uni.createFrom().item(() -> store.get().load().loadBalancers().stream()
                .map(StoredLoadBalancer::loadBalancer).toList()).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
