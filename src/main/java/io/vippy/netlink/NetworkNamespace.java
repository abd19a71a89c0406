package io.vippy.netlink;

import io.vippy.core.model.InvalidConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A named network namespace ({@code ip netns add NAME}). Linux keeps the network namespace per thread,
 * and sockets (netlink, libnftables, TCP) belong to the namespace of the thread that creates them, so
 * Vippy runs its network work on threads that entered the namespace first.
 */
public final class NetworkNamespace {
    private static final Path NETNS_DIR = Path.of("/run/netns");

    private final Optional<String> name;

    private NetworkNamespace(Optional<String> name) {
        this.name = name;
    }

    /** The daemon's own namespace: threads stay where they are. */
    public static NetworkNamespace current() {
        return new NetworkNamespace(Optional.empty());
    }

    /** A named namespace, which must exist. */
    public static NetworkNamespace named(String name) {
        if (!Files.exists(NETNS_DIR.resolve(name))) {
            throw new InvalidConfigException("vippy.netns", "network namespace " + name + " does not exist ("
                    + NETNS_DIR.resolve(name) + "); create it with: ip netns add " + name);
        }
        return new NetworkNamespace(Optional.of(name));
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

    /** Threads that enter this namespace before running anything. */
    public ThreadFactory threadFactory(String threadNamePrefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(() -> {
                enterOnCurrentThread();
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
