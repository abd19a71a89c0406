package io.vippy.dataplane.nftables;

import io.micrometer.core.instrument.Metrics;
import io.vippy.core.Dataplane;
import io.vippy.core.RealServer;
import io.vippy.core.ServiceCounters;
import io.vippy.core.ServiceKey;
import io.vippy.core.VirtualService;
import io.vippy.core.WarmUp;
import io.vippy.core.model.IpFamily;
import io.vippy.core.model.LoadBalancer;
import io.vippy.core.model.PermanentFailure;
import io.vippy.core.model.Scheduler;
import io.vippy.dataplane.Sysctl;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The nftables dataplane: full NAT (DNAT to a backend, masquerade towards it) in the tables
 * {@code ip vippy} and {@code ip6 vippy} (layout in {@link VippyRuleset}). Keeps a copy of what it
 * programmed per service and sends only the difference, one atomic transaction per call.
 *
 * <p>Typed to its class so that {@code Dataplane} is injected only through the selector's producer.
 * Every method runs on the kernel thread, which opens the libnftables context on first use.
 */
@ApplicationScoped
@Typed(NftablesDataplane.class)
public class NftablesDataplane implements Dataplane, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(NftablesDataplane.class);

    /** Per family, what is known of the kernel's table; absent: read it before the next change. */
    private static final class FamilyState {
        /** The table exists with every chain; else the next transaction (re)creates it. */
        boolean complete;
        boolean exists;
        boolean forwarding;
    }

    private final Map<ServiceKey, ProgrammedService> programmed = new HashMap<>();
    private final Map<ServiceKey, VirtualService> desired = new HashMap<>();
    private final Map<NftFamily, FamilyState> families = new EnumMap<>(NftFamily.class);
    private NftContext context;

    @Override
    public String name() {
        return "nftables";
    }

    /** Fails with {@link NftablesUnavailableException}, saying which package to install, where libnftables is missing. */
    public static void requireLibrary() {
        LibNftables.load();
    }

    @Override
    public boolean supports(Scheduler scheduler) {
        return SlotPlanner.supports(scheduler);
    }

    @Override
    public void sync(Collection<VirtualService> wanted) {
        Map<ServiceKey, VirtualService> byKey = new LinkedHashMap<>();
        for (VirtualService service : wanted) {
            requireSupported(service);
            byKey.put(service.key(), service);
        }
        int changed = 0;
        for (NftFamily family : NftFamily.values()) {
            changed += syncFamily(family, byKey.values().stream()
                    .filter(s -> NftFamily.of(s.key().address()) == family).toList());
        }
        LOG.infof("nftables: synced %d services, %d of them changed or removed", byKey.size(), changed);
    }

    /** Makes the family's table hold exactly {@code mine}, read afresh from the kernel; returns how many changed. */
    private int syncFamily(NftFamily family, List<VirtualService> mine) {
        families.remove(family);
        KernelTable kernel = load(family);
        // The IPv4 table is made at start-up even with no service: creating it (every selector chain) is the
        // largest transaction Vippy sends, and the first create must not wait for it. IPv6's waits for its
        // first service: turning on IPv6 forwarding stops the host accepting router advertisements.
        if (!kernel.exists() && mine.isEmpty() && family != NftFamily.IP) {
            return 0;
        }
        Set<ServiceKey> stale = new HashSet<>(programmedKeys(family));
        Map<ServiceKey, ProgrammedService> plans = new HashMap<>();
        NftTransaction tx = VippyRuleset.transaction(family);
        prepareTable(tx, family);
        if (families.get(family).complete) {
            VippyRuleset.ensureBase(tx);
            deleteStrayChains(tx, kernel.chains());
        }
        for (VirtualService service : mine) {
            stale.remove(service.key());
            plans.put(service.key(), queueChange(tx, service.key(), SlotPlanner.plan(service)));
        }
        for (ServiceKey key : stale) {
            plans.put(key, queueChange(tx, key, null));
        }
        int changed = 0;
        for (var plan : plans.entrySet()) {
            changed += Objects.equals(programmed.get(plan.getKey()), plan.getValue()) ? 0 : 1;
        }
        commit(tx, family, plans);
        mine.forEach(s -> desired.put(s.key(), s));
        stale.forEach(desired::remove);
        return changed;
    }

    @Override
    public void program(VirtualService service) {
        requireSupported(service);
        NftFamily family = NftFamily.of(service.key().address());
        ensureLoaded(family);
        NftTransaction tx = VippyRuleset.transaction(family);
        prepareTable(tx, family);
        ProgrammedService plan = queueChange(tx, service.key(), SlotPlanner.plan(service));
        commit(tx, family, Map.of(service.key(), plan));
        desired.put(service.key(), service);
    }

    /** The first program's planning and rendering, for a service the kernel never sees; runs on any thread. */
    @Override
    public void warmUp() {
        LoadBalancer lb = WarmUp.SAMPLE;
        VirtualService sample = new VirtualService(new ServiceKey(lb.address(), lb.protocol(), lb.port()),
                lb.scheduler(), lb.backends().stream().map(b -> new RealServer(b.ip(), b.port(), b.weight())).toList());
        NftTransaction tx = VippyRuleset.transaction(NftFamily.of(sample.key().address()));
        ServiceDiff.queue(tx, null, SlotPlanner.plan(sample));
        if (tx.toString().isEmpty()) {
            throw new IllegalStateException("the warm-up's sample service rendered to no nftables script");
        }
    }

    @Override
    public void unprogram(ServiceKey key) {
        NftFamily family = NftFamily.of(key.address());
        ensureLoaded(family);
        if (programmed.containsKey(key)) {
            NftTransaction tx = VippyRuleset.transaction(family);
            queueChange(tx, key, null);
            Map<ServiceKey, ProgrammedService> removal = new HashMap<>();
            removal.put(key, null);
            commit(tx, family, removal);
        }
        desired.remove(key);
    }

    @Override
    public List<ServiceCounters> counters() {
        // By the desired services' families, not by what is loaded: a family whose last change failed is
        // unloaded until the next one, and its services' series must not vanish meanwhile.
        Map<NftFamily, List<VirtualService>> byFamily = new EnumMap<>(NftFamily.class);
        desired.values().forEach(s -> byFamily.computeIfAbsent(NftFamily.of(s.key().address()), f -> new ArrayList<>())
                .add(s));
        List<ServiceCounters> counters = new ArrayList<>();
        for (var family : byFamily.entrySet()) {
            KernelTable kernel = repairedIfChanged(family.getKey(), family.getValue());
            family.getValue().forEach(service -> counters.add(countersOf(service, kernel)));
        }
        return counters;
    }

    /**
     * The family's table as the kernel holds it, put back as programmed first if something else changed it
     * (deleted the table, a chain or an element): the periodic counter read doubles as a drift check, so Vippy's
     * services come back by themselves within one metrics refresh. Each repair is counted in
     * {@code vippy_dataplane_repairs_total} and logged.
     */
    private KernelTable repairedIfChanged(NftFamily family, List<VirtualService> mine) {
        KernelTable kernel = KernelTable.read(context(), family);
        boolean intact = kernel.exists() && VippyRuleset.isComplete(kernel.chains()) && mine.stream()
                .allMatch(s -> Objects.equals(kernel.services().get(s.key()), programmed.get(s.key())));
        if (intact) {
            return kernel;
        }
        LOG.warnf("nftables: table %s vippy was changed behind Vippy's back (%s); putting its %d services back",
                family.wireName(), kernel.exists() ? "services or chains differ" : "table deleted", mine.size());
        Metrics.counter("vippy.dataplane.repairs", "dataplane", name()).increment();
        syncFamily(family, mine);
        return KernelTable.read(context(), family);
    }

    /**
     * The kernel counts the first packet of each connection (the nat chains see nothing else): connections
     * per service from the services-map element, per backend from its backends-map (slot) elements. Slot
     * counters restart when a slot changes hands; packets and bytes are not counted (that would cost a
     * lookup on every packet).
     */
    private static ServiceCounters countersOf(VirtualService service, KernelTable kernel) {
        Map<BackendAddress, Long> perBackend = kernel.backendCounts().getOrDefault(service.key(), Map.of());
        Map<RealServer, ServiceCounters.Traffic> perReal = new LinkedHashMap<>();
        for (RealServer real : service.reals()) {
            perReal.put(real, connections(perBackend.getOrDefault(BackendAddress.of(real), 0L)));
        }
        return new ServiceCounters(service.key(),
                connections(kernel.serviceCounts().getOrDefault(service.key(), 0L)), perReal);
    }

    private static ServiceCounters.Traffic connections(long count) {
        return new ServiceCounters.Traffic(count, 0, 0);
    }

    /** Queues the change of one service; returns the plan. */
    private ProgrammedService queueChange(NftTransaction tx, ServiceKey key, ProgrammedService plan) {
        ServiceDiff.queue(tx, programmed.get(key), plan);
        return plan;
    }

    /**
     * Queues the table's creation when it is missing or incomplete (made by another version, or damaged):
     * delete and create in the same transaction, after which every service is re-added by the diff.
     * Established connections keep going: their NAT lives in conntrack, not in the table.
     */
    private void prepareTable(NftTransaction tx, NftFamily family) {
        FamilyState state = families.get(family);
        if (state.complete) {
            return;
        }
        if (state.exists) {
            LOG.warnf("nftables: table %s vippy is incomplete, recreating it", family.wireName());
            tx.deleteTable();
        }
        VippyRuleset.create(tx);
        programmed.keySet().removeIf(key -> NftFamily.of(key.address()) == family);
    }

    /**
     * Chains in Vippy's table that its layout does not have (left by hand or by another version): nothing
     * of Vippy's jumps to them, so they go. Kernels before 6.2 may refuse to delete a chain in the
     * transaction that removes the last reference to it; the sync then fails and is retried.
     */
    private static void deleteStrayChains(NftTransaction tx, Set<String> kernelChains) {
        Set<String> expected = VippyRuleset.chains();
        for (String chain : kernelChains) {
            if (!expected.contains(chain)) {
                tx.flushChain(chain).deleteChain(chain);
            }
        }
    }

    private Set<ServiceKey> programmedKeys(NftFamily family) {
        Set<ServiceKey> keys = new HashSet<>();
        for (ServiceKey key : programmed.keySet()) {
            if (NftFamily.of(key.address()) == family) {
                keys.add(key);
            }
        }
        return keys;
    }

    /**
     * Sends the transaction; on success records the new state. On failure nothing changed in the kernel
     * (transactions are atomic) but the in-memory copy may be what made it fail, so the family is re-read
     * from the kernel before the next change.
     */
    private void commit(NftTransaction tx, NftFamily family, Map<ServiceKey, ProgrammedService> plans) {
        FamilyState state = families.get(family);
        try {
            context().run(tx);
        } catch (RuntimeException e) {
            families.remove(family);
            throw e;
        }
        state.complete = true;
        state.exists = true;
        plans.forEach((key, plan) -> {
            if (plan == null) {
                programmed.remove(key);
            } else {
                programmed.put(key, plan);
            }
        });
        if (!state.forwarding) {
            // IPv6 forwarding only once an IPv6 service exists: it turns off router advertisements on the host.
            Sysctl.enableForwarding(family == NftFamily.IP ? IpFamily.IPV4 : IpFamily.IPV6);
            state.forwarding = true;
        }
    }

    private void ensureLoaded(NftFamily family) {
        if (!families.containsKey(family)) {
            load(family);
        }
    }

    /** Reads the family's table from the kernel and makes it the in-memory copy. */
    private KernelTable load(NftFamily family) {
        KernelTable kernel = KernelTable.read(context(), family);
        programmed.keySet().removeIf(key -> NftFamily.of(key.address()) == family);
        programmed.putAll(kernel.services());
        FamilyState state = new FamilyState();
        state.exists = kernel.exists();
        state.complete = kernel.exists() && VippyRuleset.isComplete(kernel.chains());
        families.put(family, state);
        return kernel;
    }

    private static void requireSupported(VirtualService service) {
        if (!SlotPlanner.supports(service.scheduler())) {
            throw new PermanentFailure("the nftables dataplane cannot schedule " + service.scheduler().wireName()
                    + " (it does rr, wrr and mh); use IPVS for " + service.scheduler().wireName());
        }
    }

    /** Opened on the calling thread: its socket belongs to that thread's network namespace. */
    private NftContext context() {
        if (context == null) {
            context = NftContext.open();
        }
        return context;
    }

    @Override
    @PreDestroy
    public void close() {
        if (context != null) {
            context.close();
            context = null;
        }
    }
}
