package io.vippy.address.staticpool;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code vippy.static.*}: the address pool for bare metal without a provider API. */
@ConfigMapping(prefix = "vippy.static")
public interface StaticPoolConfig {

    /** The documentation ranges, so that a first run works without configuration. */
    String DOCUMENTATION_POOL = "203.0.113.0/24,2001:db8:ffff::/112";

    /** Comma-separated CIDRs (IPv4 and IPv6) to hand out addresses from. */
    @WithDefault(DOCUMENTATION_POOL)
    String pool();
}
