package io.vippy.health;

import io.vippy.core.model.BackendHealth;

/**
 * Turns a backend's check results into its health: {@code rise} successes in a row make it healthy,
 * {@code fall} failures in a row unhealthy; anything less changes nothing, so one lost check never flaps it.
 */
final class RiseFall {
    private final int rise;
    private final int fall;
    private BackendHealth health;
    private int successes;
    private int failures;

    RiseFall(BackendHealth initial, int rise, int fall) {
        this.health = initial;
        this.rise = rise;
        this.fall = fall;
    }

    /** Records one result and returns the health after it. */
    BackendHealth record(boolean ok) {
        if (ok) {
            failures = 0;
            successes++;
            if (successes >= rise) {
                health = BackendHealth.HEALTHY;
            }
        } else {
            successes = 0;
            failures++;
            if (failures >= fall) {
                health = BackendHealth.UNHEALTHY;
            }
        }
        return health;
    }

    BackendHealth health() {
        return health;
    }
}
