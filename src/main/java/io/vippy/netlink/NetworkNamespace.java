package io.vippy.netlink;

import io.quarkus.runtime.Quarkus;
import io.vippy.core.model.InvalidConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * A named network namespace ({@code ip netns add NAME}). Linux keeps the network namespace per thread,
 * and sockets (netlink, libnftables, TCP) belong to the namespace of the thread that creates them, so
 * Vippy runs its network work on threads that entered the namespace first.
 */
public final class NetworkNamespace {
    private static final Logger LOG = Logger.getLogger(NetworkNamespace.class);
    private static final Path NETNS_DIR = Path.of("/run/netns");
    private static final Duration ENTER_TIMEOUT = Duration.ofSeconds(10);

    private final Optional<String> name;

    private NetworkNamespace(Optional<String> name) {
        this.name = name;
    }

    /** The daemon's own namespace: threads stay where they are. */
    public static NetworkNamespace current() {
        return new NetworkNamespace(Optional.empty());
    }

    /** A named namespace, which must exist and which this process must be allowed to enter. */
    public static NetworkNamespace named(String name) {
        if (!Files.exists(NETNS_DIR.resolve(name))) {
            throw new InvalidConfigException("vippy.netns", "network namespace " + name + " does not exist ("
                    + NETNS_DIR.resolve(name) + "); create it with: ip netns add " + name);
        }
        NetworkNamespace namespace = new NetworkNamespace(Optional.of(name));
        namespace.requireEnterable();
        return namespace;
    }

    /**
     * Enters the namespace once from a short-lived thread, so that a process that may not (setns needs
     * CAP_SYS_ADMIN as well as CAP_NET_ADMIN) stops at start-up with one line.
     */
    private void requireEnterable() {
        CompletableFuture<Void> entered = new CompletableFuture<>();
        Thread probe = new Thread(() -> {
            try {
                enterOnCurrentThread();
                entered.complete(null);
            } catch (RuntimeException e) {
                entered.completeExceptionally(e);
            }
        }, "vippy-netns-probe");
        probe.setDaemon(true);
        probe.start();
        try {
            entered.get(ENTER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            boolean denied = e.getCause() instanceof NativeException n && n.isPermissionDenied();
            throw new InvalidConfigException("vippy.netns", "cannot enter network namespace " + name.get() + ": "
                    + e.getCause().getMessage() + (denied ? "; entering a namespace needs CAP_SYS_ADMIN" : ""));
        } catch (TimeoutException e) {
            throw new InvalidConfigException("vippy.netns", "entering network namespace " + name.get()
                    + " did not finish within " + ENTER_TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while entering " + this, e);
        }
    }

    public Optional<String> name() {
        return name;
    }

    /** Moves the calling thread into this namespace (nothing to do for the daemon's own). */
    public void enterOnCurrentThread() {
        if (name.isEmpty()) {
            return;
        }
        String path = NETNS_DIR.resolve(name.get()).toString();
        int fd = LibC.check(LibC.INSTANCE.open(path, LibC.O_RDONLY | LibC.O_CLOEXEC), "open " + path);
        try {
            LibC.check(LibC.INSTANCE.setns(fd, LibC.CLONE_NEWNET), "setns " + path);
        } finally {
            LibC.INSTANCE.close(fd);
        }
    }

    /**
     * Threads that enter this namespace before running anything. A thread that cannot enter would keep its
     * pool's slot and never run a task, and running them in the wrong namespace would be worse: Vippy exits
     * non-zero with one line instead (start-up checks entering first, so this is for a namespace deleted later).
     */
    public ThreadFactory threadFactory(String threadNamePrefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(() -> {
                try {
                    enterOnCurrentThread();
                } catch (RuntimeException e) {
                    LOG.errorf("%s cannot enter %s, stopping Vippy: %s", Thread.currentThread().getName(), this,
                            e.getMessage());
                    Quarkus.asyncExit(1);
                    return;
                }
                task.run();
            }, threadNamePrefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public String toString() {
        return name.map(n -> "netns " + n).orElse("the daemon's own network namespace");
    }
}
