package io.vippy.address;

import io.vippy.address.metal.MetalAddressProvider;
import io.vippy.address.metal.MetalCredentials;
import io.vippy.address.metal.MetalEnvironment;
import io.vippy.address.staticpool.StaticPoolAddressProvider;
import io.vippy.address.staticpool.StaticPoolConfig;
import io.vippy.core.AddressProvider;
import io.vippy.core.VippyConfig;
import io.vippy.core.model.InvalidConfigException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import java.util.Optional;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Chooses the address provider that {@code vippy.provider} names; unset, Metal when a Metal token is
 * configured, else the static pool. Only the chosen provider is built, so the other needs no settings.
 */
@ApplicationScoped
public class AddressProviderSelector {
    static final String METAL = "equinix-metal";
    static final String STATIC = "static";

    @Produces
    @ApplicationScoped
    AddressProvider addressProvider(VippyConfig config, StaticPoolConfig staticPool, MetalEnvironment metalEnvironment,
            Instance<MetalAddressProvider> metal) {
        String chosen = choose(config.provider(), MetalCredentials.tokenConfigured(ConfigProvider.getConfig()));
        if (chosen.equals(METAL)) {
            metalEnvironment.reservationSettings();
            return metal.get();
        }
        return new StaticPoolAddressProvider(staticPool.pool());
    }

    /** The provider's name; fails with one line naming {@code vippy.provider} for anything else. */
    static String choose(Optional<String> configured, boolean metalTokenSet) {
        String chosen = configured.map(String::trim).filter(v -> !v.isEmpty())
                .orElse(metalTokenSet ? METAL : STATIC);
        if (!chosen.equals(METAL) && !chosen.equals(STATIC)) {
            throw new InvalidConfigException("vippy.provider",
                    "must be " + METAL + " or " + STATIC + ", not \"" + chosen + "\"");
        }
        return chosen;
    }
}
