package io.vippy.bfd;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The {@code vippy.bfd.*} keys: BFD beside every BGP session, and its timers. */
@ConfigMapping(prefix = "vippy.bfd")
public interface BfdConfig {

    @WithDefault("false")
    boolean enabled();

    /** Desired minimum transmit and required minimum receive interval, once a session is Up. */
    @WithDefault("300ms")
    Duration interval();

    /** Detect multiplier: the peer declares us down after this many intervals without a packet. */
    @WithDefault("3")
    int multiplier();
}
