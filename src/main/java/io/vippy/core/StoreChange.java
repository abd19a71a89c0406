package io.vippy.core;

import io.vippy.core.model.LoadBalancer;
import java.util.UUID;

/** One write to the store: the record as written at {@code revision}, or its deletion ({@code written} null). */
public record StoreChange(UUID uuid, LoadBalancer written, long revision) {

    public boolean isDeletion() {
        return written == null;
    }
}
