package io.vippy.store.etcd;

import io.micrometer.core.instrument.MeterRegistry;
import io.vippy.store.LoadBalancerDocument;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;

/** The etcd client, built only when something asks for it ({@code vippy.store=etcd}), and the store on it. */
@ApplicationScoped
public class EtcdStores {

    @Produces
    @Singleton
    EtcdKeyspace keyspace(EtcdConfig config) {
        return EtcdKeyspace.open(config);
    }

    void close(@Disposes EtcdKeyspace keyspace) {
        keyspace.close();
    }

    /** Verifies that etcd answers and holds a state this Vippy reads, then moves a one-node state in if there is one. */
    public static EtcdStateStore open(EtcdKeyspace keyspace, LoadBalancerDocument documents, MeterRegistry meters,
            Path dataDir, String nodeName) {
        EtcdStateStore store = new EtcdStateStore(keyspace, documents, meters);
        store.verify();
        new SqliteToEtcdMigration(keyspace, store, documents).run(dataDir, nodeName);
        return store;
    }
}
