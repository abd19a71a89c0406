package io.vippy.cluster;

import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.vippy.core.HealthAgreement;
import io.vippy.core.model.BackendHealth;
import io.vippy.store.etcd.EtcdKeyspace;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * Health agreed through etcd: each node writes what its checks see under {@code health/<lb>/<backend>/<node>} on its
 * lease (a dead node's reports go with it), and every node follows every report and the registrations under
 * {@code nodes/}, and works out the same verdict from the same reports: unhealthy when more than half of the live
 * nodes say so. While etcd cannot take a report, this node acts on what it sees itself (it never waits on etcd to
 * stop sending to a backend it cannot reach).
 */
final class EtcdHealthAgreement implements HealthAgreement, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(EtcdHealthAgreement.class);

    private record Pair(UUID loadBalancer, UUID backend) {
    }

    private final EtcdKeyspace keyspace;
    private final KV kv;
    private final String nodeName;
    private final LongSupplier leaseId;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Map<Pair, Map<String, BackendHealth>> reports = new HashMap<>();
    private final Set<String> liveNodes = new HashSet<>();
    private final Map<Pair, BackendHealth> agreed = new HashMap<>();
    private Watch.Watcher healthWatch;
    private Watch.Watcher nodesWatch;

    EtcdHealthAgreement(EtcdKeyspace keyspace, String nodeName, LongSupplier leaseId) {
        this.keyspace = keyspace;
        this.kv = keyspace.client().getKVClient();
        this.nodeName = nodeName;
        this.leaseId = leaseId;
    }

    /** Reads every report and registration, then follows both from there. */
    void start() {
        GetResponse health = keyspace.await(kv.get(keyspace.key("health/"), GetOption.builder().isPrefix(true).build()),
                "a read of the health reports");
        GetResponse nodes = keyspace.await(kv.get(keyspace.key("nodes/"), GetOption.builder().isPrefix(true)
                .withKeysOnly(true).withRevision(health.getHeader().getRevision()).build()), "a read of the nodes");
        synchronized (this) {
            health.getKvs().forEach(kv -> reported(kv, false));
            nodes.getKvs().forEach(kv -> liveNodes.add(lastPart(kv)));
        }
        long from = health.getHeader().getRevision() + 1;
        healthWatch = watch("health/", from, this::healthChanged);
        nodesWatch = watch("nodes/", from, this::nodesChanged);
        recomputeAll();
    }

    private Watch.Watcher watch(String prefix, long from, java.util.function.Consumer<WatchResponse> onChange) {
        return keyspace.client().getWatchClient().watch(keyspace.key(prefix),
                WatchOption.builder().isPrefix(true).withRevision(from).build(),
                Watch.listener(onChange, failure -> LOG.warnf("watch of %s ended: %s", prefix, failure.getMessage())));
    }

    @Override
    public void report(UUID loadBalancer, UUID backend, BackendHealth seen) {
        long lease = leaseId.getAsLong();
        if (lease == 0) {
            tell(new Pair(loadBalancer, backend), seen);
            return;
        }
        kv.put(keyspace.key("health/" + loadBalancer + "/" + backend + "/" + nodeName),
                EtcdKeyspace.bytes(seen.wireName()), PutOption.builder().withLeaseId(lease).build())
                .whenComplete((ok, failure) -> {
                    if (failure != null) {
                        LOG.warnf("cannot report backend %s of load balancer %s as %s to etcd (%s): acting on it here",
                                backend, loadBalancer, seen.wireName(), failure.getMessage());
                        tell(new Pair(loadBalancer, backend), seen);
                    }
                });
    }

    @Override
    public void onAgreed(Listener listener) {
        listeners.add(listener);
    }

    private void healthChanged(WatchResponse response) {
        Set<Pair> touched = new HashSet<>();
        synchronized (this) {
            for (WatchEvent event : response.getEvents()) {
                Pair pair = reported(event.getKeyValue(), event.getEventType() == WatchEvent.EventType.DELETE);
                if (pair != null) {
                    touched.add(pair);
                }
            }
        }
        touched.forEach(this::recompute);
    }

    private void nodesChanged(WatchResponse response) {
        synchronized (this) {
            for (WatchEvent event : response.getEvents()) {
                if (event.getEventType() == WatchEvent.EventType.DELETE) {
                    liveNodes.remove(lastPart(event.getKeyValue()));
                } else {
                    liveNodes.add(lastPart(event.getKeyValue()));
                }
            }
        }
        recomputeAll();
    }

    /** One report into the table; the pair it concerns, or null for a key that is not a report. */
    private Pair reported(KeyValue kv, boolean deleted) {
        String[] parts = EtcdKeyspace.text(kv.getKey()).substring(keyspace.prefix().length()).split("/");
        if (parts.length != 4) {
            return null;
        }
        try {
            Pair pair = new Pair(UUID.fromString(parts[1]), UUID.fromString(parts[2]));
            if (deleted) {
                Map<String, BackendHealth> votes = reports.get(pair);
                if (votes != null) {
                    votes.remove(parts[3]);
                }
            } else {
                reports.computeIfAbsent(pair, p -> new HashMap<>()).put(parts[3],
                        BackendHealth.valueOf(EtcdKeyspace.text(kv.getValue()).toUpperCase(Locale.ROOT)));
            }
            return pair;
        } catch (IllegalArgumentException e) {
            LOG.warnf("ignoring an unreadable health report %s", EtcdKeyspace.text(kv.getKey()));
            return null;
        }
    }

    private void recomputeAll() {
        List<Pair> pairs;
        synchronized (this) {
            pairs = List.copyOf(reports.keySet());
        }
        pairs.forEach(this::recompute);
    }

    /** Unhealthy when more than half of the live nodes say so; else healthy when one does; else unknown. */
    private void recompute(Pair pair) {
        BackendHealth verdict;
        synchronized (this) {
            Map<String, BackendHealth> votes = reports.getOrDefault(pair, Map.of());
            int live = Math.max(1, liveNodes.size());
            long unhealthy = votes.entrySet().stream().filter(v -> v.getValue() == BackendHealth.UNHEALTHY
                    && (liveNodes.isEmpty() || liveNodes.contains(v.getKey()))).count();
            boolean anyHealthy = votes.containsValue(BackendHealth.HEALTHY);
            verdict = 2 * unhealthy > live ? BackendHealth.UNHEALTHY
                    : anyHealthy ? BackendHealth.HEALTHY : BackendHealth.UNKNOWN;
            if (verdict == agreed.get(pair)) {
                return;
            }
            agreed.put(pair, verdict);
            if (votes.isEmpty()) {
                reports.remove(pair);
                agreed.remove(pair);
            }
        }
        tell(pair, verdict);
    }

    private void tell(Pair pair, BackendHealth health) {
        listeners.forEach(l -> l.agreed(pair.loadBalancer(), pair.backend(), health));
    }

    private static String lastPart(KeyValue kv) {
        String key = EtcdKeyspace.text(kv.getKey());
        return key.substring(key.lastIndexOf('/') + 1);
    }

    @Override
    public void close() {
        if (healthWatch != null) {
            healthWatch.close();
        }
        if (nodesWatch != null) {
            nodesWatch.close();
        }
    }
}
