package io.vippy.address;

import io.vippy.address.staticpool.StaticPoolAddressProvider;
import io.vippy.address.staticpool.StaticPoolConfig;
import io.vippy.core.AddressProvider;
import io.vippy.core.VippyConfig;
import io.vippy.core.model.InvalidConfigException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** Chooses the address provider that {@code vippy.provider} names. */
@ApplicationScoped
public class AddressProviderSelector {

    @Produces
    @ApplicationScoped
    AddressProvider addressProvider(VippyConfig config, StaticPoolConfig staticPool) {
        String provider = config.provider().orElse("static");
        return switch (provider) {
            case "static" -> new StaticPoolAddressProvider(staticPool.pool());
            default -> throw new InvalidConfigException("vippy.provider",
                    "must be equinix-metal or static, not \"" + provider + "\"");
        };
    }
}
