package io.vippy.core;

import io.vippy.core.model.BackendHealth;
import java.util.UUID;

/**
 * Backend health as the nodes agree on it, so that every node builds the same backend table. Each node reports what
 * its own checks see; a backend counts as unhealthy when a majority of the live nodes say so, healthy when any node
 * sees it healthy and no majority says otherwise. One node alone agrees with itself at once.
 */
public interface HealthAgreement {

    /** What this node's checks concluded. The agreed health comes back through {@link #onAgreed}, maybe at once. */
    void report(UUID loadBalancer, UUID backend, BackendHealth seen);

    /** Tells {@code listener} every change of agreed health. */
    void onAgreed(Listener listener);

    interface Listener {
        void agreed(UUID loadBalancer, UUID backend, BackendHealth health);
    }

    /** A node alone: what it sees is what is agreed. */
    static HealthAgreement sole() {
        return new HealthAgreement() {
            private final java.util.List<Listener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

            @Override
            public void report(UUID loadBalancer, UUID backend, BackendHealth seen) {
                listeners.forEach(l -> l.agreed(loadBalancer, backend, seen));
            }

            @Override
            public void onAgreed(Listener listener) {
                listeners.add(listener);
            }
        };
    }
}
