package io.vippy.netlink;

import io.vippy.core.VippyConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** The namespace {@code vippy.netns} names, checked once at start-up. */
@ApplicationScoped
public class NetworkNamespaceProducer {

    @Produces
    @ApplicationScoped
    NetworkNamespace networkNamespace(VippyConfig config) {
        return config.netns().map(NetworkNamespace::named).orElseGet(NetworkNamespace::current);
    }
}
