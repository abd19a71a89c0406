package io.vippy.core.model;

/** How a load balancer checks its backends. */
public record HealthCheckSpec(Type type, String path, int intervalMs, int timeoutMs, int rise, int fall) {

    public enum Type {
        TCP,
        HTTP,
        /** HTTP over TLS; the certificate is not verified (a check asks "does it answer", not "is it trusted"). */
        HTTPS,
        NONE;

        public boolean isHttp() {
            return this == HTTP || this == HTTPS;
        }

        public String wireName() {
            return WireNames.of(this);
        }

        public static Type parse(String text) {
            return WireNames.parse(Type.class, text, "healthCheck.type");
        }
    }

    /** The contract's default: TCP connect every second, healthy after 2 successes, unhealthy after 3 failures. */
    public static final HealthCheckSpec DEFAULT = new HealthCheckSpec(Type.TCP, null, 1000, 1000, 2, 3);

    public HealthCheckSpec {
        if (type == null) {
            throw new ValidationException("healthCheck.type is required.");
        }
        if (type.isHttp() && (path == null || !path.startsWith("/"))) {
            throw new ValidationException("healthCheck.path must start with \"/\" for an http or https check.");
        }
        if (intervalMs < 100 || intervalMs > 3_600_000) {
            throw new ValidationException("healthCheck.intervalMs must be between 100 and 3600000.");
        }
        if (timeoutMs < 10 || timeoutMs > intervalMs) {
            throw new ValidationException("healthCheck.timeoutMs must be at least 10 and at most intervalMs.");
        }
        if (rise < 1 || rise > 100 || fall < 1 || fall > 100) {
            throw new ValidationException("healthCheck.rise and healthCheck.fall must be between 1 and 100.");
        }
    }
}
