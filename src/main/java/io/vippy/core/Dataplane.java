package io.vippy.core;

import io.vippy.core.model.Scheduler;
import java.util.Collection;
import java.util.List;

/**
 * The kernel's L4 load balancer (IPVS or nftables). Desired-state interface: callers say what a service
 * should look like and the implementation changes only what differs. Blocking: called on the
 * {@link KernelExecutor}. Kernel errors that retrying cannot fix are thrown as
 * {@link io.vippy.core.model.PermanentFailure}; any other exception is treated as transient.
 */
public interface Dataplane extends WarmUp {

    /** {@code ipvs} or {@code nftables}. */
    String name();

    boolean supports(Scheduler scheduler);

    /**
     * Start-up: read what the kernel holds, make it match {@code desired}, and remove services of Vippy's
     * that are not desired. Services that already match are left untouched, so established connections
     * survive a restart.
     */
    void sync(Collection<VirtualService> desired);

    /** Makes the kernel hold exactly this service; idempotent. */
    void program(VirtualService service);

    /** Removes the service; removing one that is not there succeeds. */
    void unprogram(ServiceKey key);

    /** Per-service and per-real-server traffic counters as the kernel reports them. */
    List<ServiceCounters> counters();

    /** Works out what programming {@link WarmUp#SAMPLE} would send, sending nothing; by default nothing to do. */
    @Override
    default void warmUp() {
    }
}
