package io.vippy.core;

/** Receives the store's changes in revision order (see {@link StateStore#watch}). */
public interface StoreListener {

    void changed(StoreChange change);

    /** The store's history was lost past where the listener stood: here is everything, diff it. */
    void reset(StoreSnapshot snapshot);
}
