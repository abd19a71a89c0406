package io.vippy.netlink;

import io.quarkus.runtime.Startup;
import io.vippy.core.VippyConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.interceptor.Interceptor;

/**
 * The namespace {@code vippy.netns} names, checked once at start-up, before anything else touches the kernel:
 * the capability every kernel call needs, and that the namespace exists and can be entered.
 */
@ApplicationScoped
public class NetworkNamespaceProducer {

    @Produces
    @ApplicationScoped
    @Startup(Interceptor.Priority.PLATFORM_BEFORE + 1)
    NetworkNamespace networkNamespace(VippyConfig config) {
        Capabilities.requireNetAdmin();
        return config.netns().map(NetworkNamespace::named).orElseGet(NetworkNamespace::current);
    }
}
