package io.vippy.core.config;

import io.quarkus.runtime.configuration.DurationConverter;
import java.time.Duration;
import org.eclipse.microprofile.config.spi.Converter;

/** A duration greater than zero (an interval or a timeout), in Quarkus's syntax: {@code 5s}, {@code 250ms}, {@code PT1M}. */
public class PositiveDuration implements Converter<Duration> {
    @Override
    public Duration convert(String value) {
        Duration duration = DurationConverter.parseDuration(value);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("must be greater than zero, not \"" + value + "\"");
        }
        return duration;
    }
}
