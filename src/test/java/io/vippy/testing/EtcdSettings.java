package io.vippy.testing;

import io.vippy.store.etcd.EtcdConfig;
import java.time.Duration;
import java.util.Optional;

/** {@code vippy.etcd.*} as a test sets them. */
public record EtcdSettings(String endpointList, String prefix, Duration leaseTtl, Duration requestTimeout)
        implements EtcdConfig {

    /** A lease of 3 s and a patient request timeout, for a loaded test machine. */
    public static EtcdSettings of(String endpoints, String prefix) {
        return new EtcdSettings(endpoints, prefix, Duration.ofSeconds(3), Duration.ofSeconds(5));
    }

    @Override
    public Optional<String> endpoints() {
        return Optional.of(endpointList);
    }
}
