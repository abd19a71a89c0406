package io.vippy.address.metal.api;

import java.util.List;

/** A list answer: its items and the pagination {@link Meta}. */
public interface MetalPage<T> {

    List<T> items();

    Meta meta();

    /** Whether a page follows this one: the SDK's rule ({@code current_page < last_page}), else {@code next}. */
    default boolean hasNext() {
        Meta meta = meta();
        if (meta == null) {
            return false;
        }
        if (meta.currentPage() > 0 && meta.lastPage() > 0) {
            return meta.currentPage() < meta.lastPage();
        }
        return meta.next() != null && meta.next().href() != null;
    }
}
