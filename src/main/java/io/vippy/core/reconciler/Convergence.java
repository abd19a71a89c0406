package io.vippy.core.reconciler;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * How far the host is from the stored state: whether the start-up sync has succeeded (and why not, while it
 * fails), and the last failure of each load balancer whose last pass failed.
 */
public record Convergence(boolean synced, Optional<String> startFailure, Map<UUID, String> failing) {

    /** Kernel and routes match the stored state as far as Vippy can tell. */
    public boolean converged() {
        return synced && failing.isEmpty();
    }
}
