package io.vippy.core;

/** A write compared a revision that is no longer the stored one: another writer changed the record first. */
public class StoreConflictException extends RuntimeException {
    public StoreConflictException(String message) {
        super(message);
    }
}
