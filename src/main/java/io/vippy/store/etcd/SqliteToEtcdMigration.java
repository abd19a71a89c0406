package io.vippy.store.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.vippy.core.StoreConflictException;
import io.vippy.core.StoredLoadBalancer;
import io.vippy.store.LoadBalancerDocument;
import io.vippy.store.sqlite.SqliteStateStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Moving up from one node: on the first start with {@code vippy.store=etcd}, a SQLite state in the data directory is
 * copied into etcd (same uuids, addresses, backends) when etcd holds nothing yet for this cluster, and the SQLite
 * files are renamed, never deleted. A marker key names the node that copies, so two nodes never both do, and says
 * when the copy is done; a copy cut short is finished by the same node's next start (each record is written only if
 * it is not there yet).
 */
final class SqliteToEtcdMigration {
    private static final Logger LOG = Logger.getLogger(SqliteToEtcdMigration.class);
    static final String MARKER_KEY = "meta/moved-from-sqlite";
    static final String MOVED_SUFFIX = ".moved-to-etcd";
    private static final String DONE = "done by ";

    private final EtcdKeyspace keyspace;
    private final EtcdStateStore store;
    private final LoadBalancerDocument documents;

    SqliteToEtcdMigration(EtcdKeyspace keyspace, EtcdStateStore store, LoadBalancerDocument documents) {
        this.keyspace = keyspace;
        this.store = store;
        this.documents = documents;
    }

    void run(Path dataDir, String nodeName) {
        Path database = dataDir.resolve(SqliteStateStore.FILE_NAME);
        if (!Files.exists(database)) {
            return;
        }
        KV kv = keyspace.client().getKVClient();
        ByteSequence marker = keyspace.key(MARKER_KEY);
        GetResponse held = keyspace.await(kv.get(keyspace.key("lb/"), GetOption.builder().isPrefix(true)
                .withCountOnly(true).build()), "a count of the load balancers");
        TxnResponse claim = keyspace.await(kv.txn()
                .If(new Cmp(marker, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                .Then(Op.put(marker, EtcdKeyspace.bytes(nodeName), PutOption.DEFAULT))
                .Else(Op.get(marker, GetOption.DEFAULT))
                .commit(), "claiming the move from SQLite");
        if (!claim.isSucceeded()) {
            String mover = EtcdKeyspace.text(claim.getGetResponses().get(0).getKvs().get(0).getValue());
            if (!mover.equals(nodeName)) {
                LOG.warnf("%s holds a SQLite state, but the cluster already took one from SQLite (%s); leaving this "
                        + "file as it is", database, mover.startsWith(DONE) ? mover : "node " + mover + " is moving its own");
                return;
            }
            LOG.infof("finishing the move of %s into etcd that this node began", database);
        } else if (held.getCount() > 0) {
            LOG.warnf("%s holds a SQLite state, but etcd already holds %d load balancer(s) for this cluster; keeping "
                    + "etcd's, leaving this file as it is", database, held.getCount());
            return;
        }
        List<StoredLoadBalancer> stored;
        try (SqliteStateStore sqlite = SqliteStateStore.open(dataDir, documents)) {
            stored = sqlite.load().loadBalancers();
        }
        int copied = 0;
        for (StoredLoadBalancer s : stored) {
            try {
                store.put(s.loadBalancer(), 0, false);
                copied++;
            } catch (StoreConflictException alreadyThere) {
                // Copied by this node's earlier, interrupted start.
            }
        }
        for (String suffix : List.of("", "-wal", "-shm")) {
            Path file = dataDir.resolve(SqliteStateStore.FILE_NAME + suffix);
            try {
                if (Files.exists(file)) {
                    Files.move(file, dataDir.resolve(SqliteStateStore.FILE_NAME + MOVED_SUFFIX + suffix));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot rename " + file + " after moving it into etcd", e);
            }
        }
        keyspace.await(kv.put(marker, EtcdKeyspace.bytes(DONE + nodeName)), "marking the move from SQLite done");
        LOG.infof("Moved %d load balancer(s) from %s into etcd under %s (%d were there already); the SQLite file is "
                + "kept as %s%s", copied, database, keyspace.prefix(), stored.size() - copied, database, MOVED_SUFFIX);
    }
}
