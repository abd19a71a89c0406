package io.vippy.core.config;

import java.util.Locale;
import org.eclipse.microprofile.config.spi.Converter;

/**
 * {@code true} or {@code false} (also yes/no, on/off, 1/0), and nothing else: SmallRye's own converter reads
 * any other word as {@code false} with a mere warning, so a typo would silently turn a setting off.
 */
public class StrictBoolean implements Converter<Boolean> {
    @Override
    public Boolean convert(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new IllegalArgumentException("must be true or false, not \"" + value + "\"");
        };
    }
}
