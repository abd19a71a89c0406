package io.vippy.bfd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vippy.bfd.session.BfdTimers;
import io.vippy.core.model.InvalidConfigException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BfdConfigParserTest {

    private static BfdConfig config(Duration interval, int multiplier) {
        return new BfdConfig() {
            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public Duration interval() {
                return interval;
            }

            @Override
            public int multiplier() {
                return multiplier;
            }
        };
    }

    @Test
    void defaultsAreValid() {
        assertEquals(new BfdTimers(Duration.ofMillis(300), 3), BfdConfigParser.timers(config(Duration.ofMillis(300), 3)));
    }

    @Test
    void eachMistakeNamesItsProperty() {
        assertEquals("vippy.bfd.interval", assertThrows(InvalidConfigException.class,
                () -> BfdConfigParser.timers(config(Duration.ofMillis(5), 3))).property());
        assertEquals("vippy.bfd.interval", assertThrows(InvalidConfigException.class,
                () -> BfdConfigParser.timers(config(Duration.ofMinutes(2), 3))).property());
        assertEquals("vippy.bfd.multiplier", assertThrows(InvalidConfigException.class,
                () -> BfdConfigParser.timers(config(Duration.ofMillis(300), 0))).property());
        assertEquals("vippy.bfd.multiplier", assertThrows(InvalidConfigException.class,
                () -> BfdConfigParser.timers(config(Duration.ofMillis(300), 256))).property());
    }
}
