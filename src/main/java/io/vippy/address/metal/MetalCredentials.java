package io.vippy.address.metal;

import io.vippy.core.model.InvalidConfigException;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;

/**
 * Token, project and location under the seed's names: {@code PACKET_AUTH_TOKEN} or {@code METAL_AUTH_TOKEN},
 * {@code PROJECT_ID}, {@code METRO} or {@code FACILITY_ID} (SmallRye maps {@code packet.auth.token} and
 * friends to those environment variables). A missing value fails with one line naming the variable.
 */
public record MetalCredentials(String token, String project, Optional<String> metro, Optional<String> facility) {

    /** Whether a Metal token is configured at all: it makes Metal the default provider. */
    public static boolean tokenConfigured(Config config) {
        return token(config).isPresent();
    }

    public static MetalCredentials from(Config config) {
        String token = token(config).orElseThrow(() -> new InvalidConfigException("PACKET_AUTH_TOKEN",
                "is not set (nor METAL_AUTH_TOKEN); the equinix-metal provider needs a Metal API token"));
        String project = value(config, "project.id").orElseThrow(() -> new InvalidConfigException("PROJECT_ID",
                "is not set; the equinix-metal provider needs the Metal project id"));
        return new MetalCredentials(token, project, value(config, "metro"), value(config, "facility.id"));
    }

    /** Where new reservations go; metro wins over the legacy facility, as in the cloud provider. */
    public void requireLocation() {
        if (metro.isEmpty() && facility.isEmpty()) {
            throw new InvalidConfigException("METRO", "is not set (nor FACILITY_ID); Equinix Metal needs to know"
                    + " where to reserve addresses");
        }
    }

    private static Optional<String> token(Config config) {
        return value(config, "packet.auth.token").or(() -> value(config, "metal.auth.token"));
    }

    private static Optional<String> value(Config config, String name) {
        return config.getOptionalValue(name, String.class).map(String::trim).filter(v -> !v.isEmpty());
    }

    @Override
    public String toString() {
        return "MetalCredentials[project=" + project + ", metro=" + metro.orElse("") + ", facility="
                + facility.orElse("") + "]";
    }
}
