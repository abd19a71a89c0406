package io.vippy.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.vippy.core.ClusterNodes;
import io.vippy.core.NodeStatus;
import io.vippy.store.etcd.EtcdKeyspace;
import io.vippy.store.etcd.EtcdUnreachableException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The registrations under {@code <prefix>nodes/}, read from etcd on each call. A node seen before whose
 * registration is gone (its lease ran out) stays listed, not alive. While etcd cannot be reached, the last list
 * read is answered as it was.
 */
final class EtcdClusterNodes implements ClusterNodes {
    private static final Logger LOG = Logger.getLogger(EtcdClusterNodes.class);

    private final EtcdKeyspace keyspace;
    private final KV kv;
    private final ObjectMapper json;
    private final Map<String, NodeStatus> known = new LinkedHashMap<>();

    EtcdClusterNodes(EtcdKeyspace keyspace, ObjectMapper json) {
        this.keyspace = keyspace;
        this.kv = keyspace.client().getKVClient();
        this.json = json;
    }

    @Override
    public synchronized List<NodeStatus> nodes() {
        GetResponse registrations;
        GetResponse leader;
        try {
            registrations = keyspace.await(kv.get(keyspace.key("nodes/"), GetOption.builder().isPrefix(true).build()),
                    "a read of the node registrations");
            leader = keyspace.await(kv.get(keyspace.key("leader")), "a read of the leader key");
        } catch (EtcdUnreachableException e) {
            LOG.debugf("answering the last known nodes: %s", e.getMessage());
            return new ArrayList<>(known.values());
        }
        String leaderName = leader.getKvs().isEmpty() ? "" : EtcdKeyspace.text(leader.getKvs().get(0).getValue());
        Map<String, NodeStatus> alive = new LinkedHashMap<>();
        for (KeyValue registration : registrations.getKvs()) {
            try {
                NodeRecord node = json.readValue(EtcdKeyspace.text(registration.getValue()), NodeRecord.class);
                alive.put(node.name(), new NodeStatus(node.name(), node.address(), node.version(), true,
                        node.name().equals(leaderName), node.loadBalancers(), node.bgpSessionsUp()));
            } catch (JsonProcessingException e) {
                LOG.warnf("unreadable node registration %s: %s", EtcdKeyspace.text(registration.getKey()),
                        e.getOriginalMessage());
            }
        }
        known.replaceAll((name, node) -> alive.getOrDefault(name, new NodeStatus(node.name(), node.address(),
                node.version(), false, false, 0, 0)));
        known.putAll(alive);
        return new ArrayList<>(known.values());
    }
}
