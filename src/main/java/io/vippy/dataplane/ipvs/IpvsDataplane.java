package io.vippy.dataplane.ipvs;

import io.vippy.core.Dataplane;
import io.vippy.core.RealServer;
import io.vippy.core.ServiceCounters;
import io.vippy.core.ServiceKey;
import io.vippy.core.VirtualService;
import io.vippy.core.model.IpFamily;
import io.vippy.core.model.PermanentFailure;
import io.vippy.core.model.Protocol;
import io.vippy.core.model.Scheduler;
import io.vippy.dataplane.KernelFailures;
import io.vippy.dataplane.Sysctl;
import io.vippy.netlink.LoopbackAddresses;
import io.vippy.netlink.NativeException;
import io.vippy.netlink.NetlinkSocket;
import io.vippy.netlink.ThreadBoundNetlinkSocket;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The kernel's IPVS as Vippy's dataplane: one NAT ("Masq") service per load balancer. Every call reads
 * what the kernel holds and changes only what differs, so calls are idempotent and connections of an
 * unchanged service survive.
 *
 * <p>Which services are Vippy's (for {@link #sync}): those on an address that is desired, or that is a
 * host address on {@code lo} other than loopback, which is where Vippy's address binder puts load-balancer
 * addresses. A service on any other address (kube-proxy's, keepalived's, an operator's) is never touched.
 */
@ApplicationScoped
@Typed(IpvsDataplane.class)
public class IpvsDataplane implements Dataplane {
    private final IpvsClient ipvs = new IpvsClient();
    private final ThreadBoundNetlinkSocket routeSocket = new ThreadBoundNetlinkSocket(NetlinkSocket.NETLINK_ROUTE);
    private final Optional<IpvsMasquerade> masquerade;
    /** The services programmed since start-up (sync starts it over): what the masquerade tables cover. */
    private final Set<ServiceKey> programmed = new HashSet<>();
    private boolean conntrackEnabled;

    @Inject
    public IpvsDataplane(IpvsConfig config) {
        this(config.masquerade());
    }

    IpvsDataplane(boolean masquerade) {
        this.masquerade = masquerade ? Optional.of(new IpvsMasquerade()) : Optional.empty();
    }

    @Override
    public String name() {
        return "ipvs";
    }

    /** IPVS has all of Vippy's schedulers, each a kernel module ip_vs_NAME. */
    @Override
    public boolean supports(Scheduler scheduler) {
        return true;
    }

    /** Whether this kernel has IPVS, looked up from the calling thread's namespace. */
    public static boolean kernelHasIpvs() {
        return IpvsAvailability.check();
    }

    @Override
    public void sync(Collection<VirtualService> desired) {
        kernel(() -> {
            Map<ServiceKey, VirtualService> wanted = new LinkedHashMap<>();
            desired.forEach(service -> wanted.put(service.key(), service));
            List<IpvsService> services = ipvs.services();
            programmed.clear();
            programmed.addAll(wanted.keySet());
            applyMasquerade();
            Set<InetAddress> ours = new HashSet<>(LoopbackAddresses.list(routeSocket.get()));
            wanted.keySet().forEach(key -> ours.add(key.address()));
            Set<ServiceKey> present = new HashSet<>();
            for (IpvsService current : services) {
                Optional<ServiceKey> key = key(current);
                VirtualService service = key.map(wanted::get).orElse(null);
                if (service != null) {
                    present.add(service.key());
                    reconcile(service, Optional.of(current));
                } else if (ours.contains(current.address())) {
                    ipvs.delete(current);
                }
            }
            wanted.values().stream().filter(service -> !present.contains(service.key()))
                    .forEach(service -> reconcile(service, Optional.empty()));
            return null;
        });
    }

    @Override
    public void program(VirtualService service) {
        kernel(() -> {
            Optional<IpvsService> current = ipvs.service(toIpvs(service.key(), service.scheduler()));
            programmed.add(service.key());
            Sysctl.enableForwarding(IpFamily.of(service.key().address())); // replies go back out through us
            applyMasquerade(); // before the service exists, so its first packets are already covered
            reconcile(service, current);
            return null;
        });
    }

    @Override
    public void unprogram(ServiceKey key) {
        kernel(() -> {
            try {
                ipvs.delete(toIpvs(key, Scheduler.RR));
            } catch (NativeException e) {
                if (!e.isNotFound()) {
                    throw e;
                }
            }
            programmed.remove(key);
            applyMasquerade();
            return null;
        });
    }

    /** Counters of every address-based IPVS service, Vippy's or not; callers pick theirs by key. */
    @Override
    public List<ServiceCounters> counters() {
        return kernel(() -> {
            List<ServiceCounters> counters = new ArrayList<>();
            for (IpvsService service : ipvs.services()) {
                Optional<ServiceKey> key = key(service);
                if (key.isEmpty()) {
                    continue;
                }
                Map<RealServer, ServiceCounters.Traffic> perReal = new LinkedHashMap<>();
                for (IpvsDestination destination : ipvs.destinations(service)) {
                    perReal.put(new RealServer(destination.address(), destination.port(), destination.weight()),
                            traffic(destination.stats()));
                }
                counters.add(new ServiceCounters(key.get(), traffic(service.stats()), perReal));
            }
            return counters;
        });
    }

    private void applyMasquerade() {
        masquerade.ifPresent(tables -> {
            if (!conntrackEnabled) {
                IpvsMasquerade.enableIpvsConntrack();
                conntrackEnabled = true;
            }
            Set<InetAddress> addresses = new HashSet<>();
            programmed.forEach(key -> addresses.add(key.address()));
            tables.apply(addresses);
        });
    }

    /** Brings one service to its desired state, given what the kernel holds for it (if anything). */
    private void reconcile(VirtualService service, Optional<IpvsService> current) {
        IpvsService wanted = toIpvs(service.key(), service.scheduler());
        List<IpvsDestination> currentDestinations = List.of();
        if (current.isEmpty()) {
            withScheduler(wanted, () -> ipvs.add(wanted));
        } else {
            if (!current.get().sameSettings(wanted)) {
                withScheduler(wanted, () -> ipvs.update(wanted));
            }
            currentDestinations = ipvs.destinations(wanted);
        }
        reconcileDestinations(wanted, currentDestinations, service.reals());
    }

    /** Adds and updates before deleting, so a replaced backend never leaves the service empty. */
    private void reconcileDestinations(IpvsService service, List<IpvsDestination> current, List<RealServer> reals) {
        Map<String, IpvsDestination> existing = new HashMap<>();
        current.forEach(destination -> existing.put(identity(destination), destination));
        Set<String> wantedIdentities = new HashSet<>();
        for (RealServer real : reals) {
            IpvsDestination wanted = IpvsDestination.masquerade(real.address(), real.port(), real.weight());
            wantedIdentities.add(identity(wanted));
            IpvsDestination present = existing.get(identity(wanted));
            if (present == null) {
                ipvs.add(service, wanted);
            } else if (!present.sameSettings(wanted)) {
                ipvs.update(service, wanted);
            }
        }
        for (IpvsDestination destination : current) {
            if (!wantedIdentities.contains(identity(destination))) {
                ipvs.delete(service, destination);
            }
        }
    }

    /** An unknown scheduler is ENOENT from the kernel (no module ip_vs_NAME): retrying cannot fix that. */
    private static void withScheduler(IpvsService service, Runnable change) {
        try {
            change.run();
        } catch (NativeException e) {
            if (e.isNotFound()) {
                throw new PermanentFailure("The kernel has no IPVS scheduler \"" + service.scheduler()
                        + "\" (module ip_vs_" + service.scheduler() + "): " + e.getMessage(), e);
            }
            throw e;
        }
    }

    /**
     * Runs kernel work, turning errors that retrying cannot fix into {@link PermanentFailure}. EPERM is retried:
     * a missing capability stops start-up, so at run time it comes from a policy that may change.
     */
    private static <T> T kernel(Supplier<T> work) {
        try {
            return work.get();
        } catch (NativeException e) {
            throw KernelFailures.classify(e, "The kernel refused the IPVS request");
        }
    }

    static IpvsService toIpvs(ServiceKey key, Scheduler scheduler) {
        return IpvsService.of(key.address(), key.protocol().number(), key.port(), scheduler.wireName());
    }

    private static Optional<ServiceKey> key(IpvsService service) {
        for (Protocol protocol : Protocol.values()) {
            if (protocol.number() == service.protocol()) {
                return Optional.of(new ServiceKey(service.address(), protocol, service.port()));
            }
        }
        return Optional.empty();
    }

    private static String identity(IpvsDestination destination) {
        return destination.address().getHostAddress() + "|" + destination.port();
    }

    private static ServiceCounters.Traffic traffic(IpvsStats stats) {
        return new ServiceCounters.Traffic(stats.connections(), stats.inPackets() + stats.outPackets(),
                stats.inBytes() + stats.outBytes());
    }

    /** How many changes (adds, updates, deletes) this dataplane made to IPVS; reads are not counted. */
    long kernelChanges() {
        return ipvs.changes();
    }

    @PreDestroy
    void close() {
        masquerade.ifPresent(IpvsMasquerade::close);
        ipvs.close();
        routeSocket.close();
    }
}
