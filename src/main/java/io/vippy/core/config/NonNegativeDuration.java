package io.vippy.core.config;

import io.quarkus.runtime.configuration.DurationConverter;
import java.time.Duration;
import org.eclipse.microprofile.config.spi.Converter;

/** A duration of zero or more (a delay), in Quarkus's syntax: {@code 5s}, {@code 250ms}, {@code PT1M}. */
public class NonNegativeDuration implements Converter<Duration> {
    @Override
    public Duration convert(String value) {
        Duration duration = DurationConverter.parseDuration(value);
        if (duration.isNegative()) {
            throw new IllegalArgumentException("must not be negative, not \"" + value + "\"");
        }
        return duration;
    }
}
