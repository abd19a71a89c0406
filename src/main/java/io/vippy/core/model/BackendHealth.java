package io.vippy.core.model;

/** What health checking last concluded about a backend. */
public enum BackendHealth {
    UNKNOWN,
    HEALTHY,
    UNHEALTHY;

    public String wireName() {
        return WireNames.of(this);
    }
}
