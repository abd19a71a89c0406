package io.vippy.core;

import io.smallrye.mutiny.Uni;
import io.vippy.core.model.IpFamily;
import io.vippy.core.model.LoadBalancer;
import java.net.InetAddress;
import java.util.Collection;
import java.util.UUID;

/**
 * Reserves public addresses for load balancers: a static pool, or Equinix Metal Elastic IPs.
 * Every method is idempotent, since the reconciler retries steps and repeats them after a crash.
 */
public interface AddressProvider {

    /** Short name for logs and messages, such as {@code static} or {@code equinix-metal}. */
    String name();

    /**
     * Reserves an address for this load balancer. Asking again for the same load balancer returns the
     * address it already holds, including one reserved before a crash that the store never learned of.
     * Fails with {@link io.vippy.core.model.PermanentFailure} when no retry can help (pool exhausted, quota).
     */
    Uni<InetAddress> allocate(UUID loadBalancer, IpFamily family);

    /** Gives the address back. Releasing what is not held succeeds. */
    Uni<Void> release(UUID loadBalancer, InetAddress address);

    /**
     * Called at start-up (and periodically) with every stored load balancer: adopt what they hold, and
     * release what the provider holds for load balancers that no longer exist.
     */
    Uni<Void> restore(Collection<LoadBalancer> stored);

    /** This node no longer leads: stop background work that only the leader does (the orphan scan). */
    default void standBy() {
    }
}
