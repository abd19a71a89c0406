package io.vippy.health;

/** The outcome of one check of one backend; {@code detail} says what was seen, for logs. */
record ProbeResult(boolean ok, String detail) {

    static ProbeResult success(String detail) {
        return new ProbeResult(true, detail);
    }

    static ProbeResult failure(String detail) {
        return new ProbeResult(false, detail);
    }
}
