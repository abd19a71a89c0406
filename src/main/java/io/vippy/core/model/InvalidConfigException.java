package io.vippy.core.model;

/** A configuration value is wrong; start-up stops with one line naming the property. */
public class InvalidConfigException extends RuntimeException {
    private final String property;

    public InvalidConfigException(String property, String problem) {
        super(property + ": " + problem);
        this.property = property;
    }

    public String property() {
        return property;
    }
}
