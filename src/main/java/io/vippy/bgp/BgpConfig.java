package io.vippy.bgp;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.vippy.core.config.StrictBoolean;
import java.util.Optional;

/** The {@code vippy.bgp.*} keys. Unset local side and peers come from a {@code BgpNeighborDiscovery} (Metal). */
@ConfigMapping(prefix = "vippy.bgp")
public interface BgpConfig {

    @WithDefault("true")
    @WithConverter(StrictBoolean.class)
    boolean enabled();

    Optional<Long> localAs();

    Optional<String> routerId();

    Optional<String> sourceAddress();

    /** Comma list of {@code ADDRESS[:PORT]@ASN}, IPv6 as {@code [ADDR]:PORT@ASN}. */
    Optional<String> peers();

    /** TCP MD5 key (RFC 2385) for every configured peer. */
    Optional<String> password();

    /** eBGP multihop TTL; 0 is off (directly connected peers). */
    @WithDefault("0")
    int multihop();

    @WithDefault("90")
    int holdTime();

    /** Comma list of communities added to every route, as {@code ASN:VALUE}. */
    Optional<String> communities();

    /** Seconds peers keep our routes after the session drops without a Cease (RFC 4724); 0 turns it off. */
    @WithDefault("120")
    int gracefulRestartTime();
}
