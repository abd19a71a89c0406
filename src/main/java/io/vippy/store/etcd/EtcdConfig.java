package io.vippy.store.etcd;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** The etcd cluster that {@code vippy.store=etcd} keeps the state in. */
@ConfigMapping(prefix = "vippy.etcd")
public interface EtcdConfig {

    /** Comma list of client URLs, {@code http://} or {@code https://}. */
    Optional<String> endpoints();

    /** Key prefix, so that several Vippy clusters can share one etcd; starts and ends with "/". */
    @WithDefault("/vippy/")
    String prefix();

    /**
     * How long a node's registration and leadership outlive its last renewal. A dead leader is replaced within
     * about this time; a leader that cannot renew steps down a third of it before it runs out.
     */
    @WithDefault("5s")
    Duration leaseTtl();

    /** How long one etcd request may take before the node counts etcd as unreachable. */
    @WithDefault("3s")
    Duration requestTimeout();
}
