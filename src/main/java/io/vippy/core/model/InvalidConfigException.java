package io.vippy.core.model;

import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * A configuration value is wrong. Quarkus prints a {@link ConfigurationException} that is the root cause of a
 * failed start as its message alone, so start-up stops with one line naming the property, no stack trace.
 */
public class InvalidConfigException extends ConfigurationException {
    private final String property;

    public InvalidConfigException(String property, String problem) {
        super(property + ": " + problem);
        this.property = property;
    }

    public String property() {
        return property;
    }
}
