package io.vippy.dataplane.ipvs;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.vippy.core.config.StrictBoolean;

/** Settings of the IPVS dataplane ({@code vippy.ipvs.*}). */
@ConfigMapping(prefix = "vippy.ipvs")
public interface IpvsConfig {

    /**
     * Source-NAT traffic to backends (nftables tables {@code ip/ip6 vippy_ipvs}), so backends need no route
     * back through this host. Off: backends must route their replies through this host (classic IPVS NAT).
     */
    @WithDefault("true")
    @WithConverter(StrictBoolean.class)
    boolean masquerade();
}
