package io.vippy.core;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * Which node does the work that must happen once per cluster: reserving and releasing addresses, the provider's
 * orphan scan and accounting. One node alone always leads; in a cluster, one node at a time, chosen through the
 * store. Every write the leader makes for that work is fenced ({@link StateStore#put} with {@code fenced}), so a node
 * that lost the lead without knowing it yet cannot change anything.
 */
public interface Leadership {

    /** True while this node leads, and is certain (by the monotonic clock) that its claim has not expired. */
    boolean isLeader();

    /** The leading node's name, when one is known. */
    Optional<String> leader();

    /** Tells {@code listener} each time this node gains (true) or loses (false) the lead; may be called on any thread. */
    void onChange(Consumer<Boolean> listener);

    /** The one node of a single-node Vippy, which always leads. */
    static Leadership sole(String nodeName) {
        return new Leadership() {
            @Override
            public boolean isLeader() {
                return true;
            }

            @Override
            public Optional<String> leader() {
                return Optional.of(nodeName);
            }

            @Override
            public void onChange(Consumer<Boolean> listener) {
                // Never changes.
            }
        };
    }
}
