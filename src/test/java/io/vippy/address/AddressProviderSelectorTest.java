package io.vippy.address;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vippy.core.model.InvalidConfigException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AddressProviderSelectorTest {

    @Test
    void unsetMeansMetalWhenATokenIsConfiguredElseStatic() {
        assertEquals("equinix-metal", AddressProviderSelector.choose(Optional.empty(), true));
        assertEquals("static", AddressProviderSelector.choose(Optional.empty(), false));
        assertEquals("static", AddressProviderSelector.choose(Optional.of(" "), false));
    }

    @Test
    void anExplicitChoiceWins() {
        assertEquals("static", AddressProviderSelector.choose(Optional.of("static"), true));
        assertEquals("equinix-metal", AddressProviderSelector.choose(Optional.of("equinix-metal"), false));
    }

    @Test
    void anythingElseNamesTheProperty() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> AddressProviderSelector.choose(Optional.of("aws"), true));
        assertEquals("vippy.provider: must be equinix-metal or static, not \"aws\"", e.getMessage());
    }
}
