package io.vippy.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vippy.core.NodeIdentity;
import io.vippy.core.StateStore;
import io.vippy.core.VippyConfig;
import io.vippy.core.model.InvalidConfigException;
import io.vippy.store.etcd.EtcdKeyspace;
import io.vippy.store.etcd.EtcdStores;
import io.vippy.store.sqlite.SqliteStateStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Chooses the state store that {@code vippy.store} names. */
@ApplicationScoped
public class StateStoreProducer {

    @Produces
    @Singleton
    LoadBalancerDocument documents(ObjectMapper json) {
        return new LoadBalancerDocument(json);
    }

    @Produces
    @ApplicationScoped
    StateStore stateStore(VippyConfig config, LoadBalancerDocument documents, Instance<EtcdKeyspace> etcd,
            NodeIdentity node, MeterRegistry meters) {
        StateStore store = switch (config.store()) {
            case "sqlite" -> SqliteStateStore.open(config.dataDir(), documents);
            case "etcd" -> EtcdStores.open(etcd.get(), documents, meters, config.dataDir(), node.nodeName());
            default -> throw new InvalidConfigException("vippy.store",
                    "must be sqlite or etcd, not \"" + config.store() + "\"");
        };
        Gauge.builder("vippy.store.available", store, s -> s.unavailable().isEmpty() ? 1 : 0)
                .description("1 while the state store can be reached (0: writes are refused, reads answer what is held)")
                .tag("store", store.name())
                .register(meters);
        return store;
    }

    /**
     * Removes the gauge with the store it reads: Micrometer keeps a meter by name and tags, so a store opened later in
     * this JVM (a test's next application) would otherwise be reported through this one.
     */
    void close(@Disposes StateStore store, MeterRegistry meters) {
        meters.find("vippy.store.available").tag("store", store.name()).gauges().forEach(meters::remove);
        if (store instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                // Shutting down: nothing is left to save.
            }
        }
    }
}
