package io.vippy.core;

import java.util.concurrent.Executor;

/**
 * Where blocking kernel work runs (netlink, libnftables): one thread, inside Vippy's network namespace,
 * so that kernel changes are applied in the order they were decided and never on an event loop.
 */
public interface KernelExecutor extends Executor {
}
