package io.vippy.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.vippy.core.ClusterNodes;
import io.vippy.core.Dataplane;
import io.vippy.core.HealthAgreement;
import io.vippy.core.Leadership;
import io.vippy.core.LoadBalancerRegistry;
import io.vippy.core.NodeIdentity;
import io.vippy.core.NodeStatus;
import io.vippy.core.RouteAnnouncer;
import io.vippy.core.StateStore;
import io.vippy.core.VippyConfig;
import io.vippy.core.model.NotFoundException;
import io.vippy.core.reconciler.Reconciler;
import io.vippy.store.etcd.EtcdKeyspace;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The cluster as {@code vippy.store} makes it: with etcd, membership and leadership through etcd; otherwise this
 * node alone, always leading.
 */
@ApplicationScoped
public class ClusterProducer {
    private final long startedAt = System.currentTimeMillis();

    @ConfigProperty(name = "quarkus.application.version", defaultValue = "unknown")
    String version;

    @Produces
    @Singleton
    Leadership leadership(VippyConfig config, NodeIdentity node, Instance<EtcdMembership> membership,
            MeterRegistry meters) {
        node.nodeAddress(); // a bad vippy.node.address stops start-up here, with one line
        Leadership leadership = config.clustered() ? membership.get() : Leadership.sole(node.nodeName());
        Gauge.builder("vippy.cluster.leader", leadership, l -> l.isLeader() ? 1 : 0)
                .description("1 while this node leads the cluster (reserves and releases addresses)")
                .register(meters);
        return leadership;
    }

    /** Built on first use, after the registry (which a new leader refreshes from the store) and the store are up. */
    @Produces
    @Singleton
    @Typed(EtcdMembership.class)
    EtcdMembership membership(EtcdKeyspace keyspace, NodeIdentity node, LoadBalancerRegistry registry, StateStore store,
            Instance<Reconciler> reconciler, Dataplane dataplane, RouteAnnouncer announcer, ObjectMapper json) {
        String name = node.nodeName();
        store.name(); // the store first: it checks that etcd answers, so a bad endpoint stops start-up before any tick
        EtcdMembership membership = new EtcdMembership(keyspace, name,
                () -> new NodeRecord(name, node.nodeAddress(), version, dataplane.name(),
                        reconciler.get().programmedCount(), sessionsUp(announcer), reconciler.get().drained(), startedAt),
                () -> registry.reset(store.load()), json);
        membership.onDrainWish(drain -> setDrained(reconciler.get(), drain));
        membership.start();
        return membership;
    }

    void leave(@jakarta.enterprise.inject.Disposes EtcdMembership membership) {
        membership.close();
    }

    /**
     * Leaves the cluster once Vippy has stopped (routes withdrawn), while the etcd client still runs: CDI disposes
     * beans in no set order, and with the client closed first the lease was left to run out, so no other node could
     * lead (nor see this one gone) until then.
     */
    void leaveOnStop(@Observes @Priority(Interceptor.Priority.LIBRARY_AFTER) ShutdownEvent event, VippyConfig config,
            Instance<EtcdMembership> membership) {
        if (config.clustered()) {
            membership.get().close();
        }
    }

    @Produces
    @Singleton
    HealthAgreement healthAgreement(VippyConfig config, NodeIdentity node, Instance<EtcdKeyspace> keyspace,
            Instance<EtcdMembership> membership) {
        if (!config.clustered()) {
            return HealthAgreement.sole();
        }
        EtcdMembership member = membership.get();
        EtcdHealthAgreement agreement = new EtcdHealthAgreement(keyspace.get(), node.nodeName(), member::leaseId);
        agreement.start();
        return agreement;
    }

    void close(@jakarta.enterprise.inject.Disposes HealthAgreement agreement) throws Exception {
        if (agreement instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    @Produces
    @Singleton
    ClusterNodes clusterNodes(VippyConfig config, NodeIdentity node, Instance<EtcdKeyspace> keyspace,
            Instance<Reconciler> reconciler, RouteAnnouncer announcer, ObjectMapper json) {
        if (config.clustered()) {
            return new EtcdClusterNodes(keyspace.get(), json);
        }
        String name = node.nodeName();
        return new ClusterNodes() {
            @Override
            public List<NodeStatus> nodes() {
                return List.of(new NodeStatus(name, node.nodeAddress(), version, true, true,
                        reconciler.get().programmedCount(), sessionsUp(announcer), reconciler.get().drained()));
            }

            @Override
            public void setDrained(String named, boolean drained) {
                if (!named.equals(name)) {
                    throw new NotFoundException("this Vippy runs alone as node " + name + "; there is no node " + named + ".");
                }
                ClusterProducer.setDrained(reconciler.get(), drained);
            }
        };
    }

    private static void setDrained(Reconciler reconciler, boolean drained) {
        if (drained) {
            reconciler.drainNode().subscribe().with(done -> { }, failure -> { });
        } else {
            reconciler.undrainNode();
        }
    }

    private static int sessionsUp(RouteAnnouncer announcer) {
        return (int) announcer.peers().stream().filter(peer -> peer.establishedSince() != null).count();
    }
}
