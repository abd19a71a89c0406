package io.vippy.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vippy.core.ClusterNodes;
import io.vippy.core.Dataplane;
import io.vippy.core.Leadership;
import io.vippy.core.LoadBalancerRegistry;
import io.vippy.core.NodeIdentity;
import io.vippy.core.NodeStatus;
import io.vippy.core.RouteAnnouncer;
import io.vippy.core.StateStore;
import io.vippy.core.VippyConfig;
import io.vippy.core.reconciler.Reconciler;
import io.vippy.store.etcd.EtcdKeyspace;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;
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
        Leadership leadership = "etcd".equals(config.store()) ? membership.get() : Leadership.sole(node.nodeName());
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
        EtcdMembership membership = new EtcdMembership(keyspace, name,
                () -> new NodeRecord(name, node.nodeAddress(), version, dataplane.name(),
                        reconciler.get().programmedCount(), sessionsUp(announcer), startedAt),
                () -> registry.reset(store.load()), json);
        membership.start();
        return membership;
    }

    void leave(@jakarta.enterprise.inject.Disposes EtcdMembership membership) {
        membership.close();
    }

    @Produces
    @Singleton
    ClusterNodes clusterNodes(VippyConfig config, NodeIdentity node, Instance<EtcdKeyspace> keyspace,
            Instance<Reconciler> reconciler, RouteAnnouncer announcer, ObjectMapper json) {
        if ("etcd".equals(config.store())) {
            return new EtcdClusterNodes(keyspace.get(), json);
        }
        return () -> List.of(new NodeStatus(node.nodeName(), node.nodeAddress(), version, true, true,
                reconciler.get().programmedCount(), sessionsUp(announcer)));
    }

    private static int sessionsUp(RouteAnnouncer announcer) {
        return (int) announcer.peers().stream().filter(peer -> peer.establishedSince() != null).count();
    }
}
