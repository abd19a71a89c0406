package io.vippy.netlink;

import io.vippy.core.KernelExecutor;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The single kernel thread, inside the configured network namespace. */
@ApplicationScoped
public class NamespacedKernelExecutor implements KernelExecutor {
    private final ExecutorService thread;

    NamespacedKernelExecutor(NetworkNamespace namespace) {
        this.thread = Executors.newSingleThreadExecutor(namespace.threadFactory("vippy-kernel"));
    }

    @Override
    public void execute(Runnable command) {
        thread.execute(command);
    }

    @PreDestroy
    void stop() {
        thread.shutdown();
    }
}
