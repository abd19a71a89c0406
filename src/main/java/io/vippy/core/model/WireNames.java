package io.vippy.core.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Parses the lower-case names the APIs use for enums, with an error a person can act on. */
final class WireNames {
    private WireNames() {
    }

    /** The name the APIs use: the constant's name in lower case. */
    static String of(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    static <E extends Enum<E>> E parse(Class<E> type, String text, String field) {
        for (E value : type.getEnumConstants()) {
            if (value.name().equalsIgnoreCase(text)) {
                return value;
            }
        }
        String allowed = Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "));
        throw new ValidationException(field + " must be one of " + allowed + ", not \"" + text + "\".");
    }
}
