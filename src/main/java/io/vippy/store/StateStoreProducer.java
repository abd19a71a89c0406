package io.vippy.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vippy.core.StateStore;
import io.vippy.core.VippyConfig;
import io.vippy.core.model.InvalidConfigException;
import io.vippy.store.sqlite.SqliteStateStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;

/** Chooses the state store that {@code vippy.store} names. */
@ApplicationScoped
public class StateStoreProducer {

    @Produces
    @ApplicationScoped
    StateStore stateStore(VippyConfig config, ObjectMapper json) {
        return switch (config.store()) {
            case "sqlite" -> SqliteStateStore.open(config.dataDir(), json);
            case "etcd" -> throw new InvalidConfigException("vippy.store",
                    "etcd is not available yet in this version; use sqlite");
            default -> throw new InvalidConfigException("vippy.store",
                    "must be sqlite or etcd, not \"" + config.store() + "\"");
        };
    }

    void close(@Disposes StateStore store) {
        if (store instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                // Shutting down: nothing is left to save.
            }
        }
    }
}
