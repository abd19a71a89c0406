package io.vippy.bgp.session;

import java.util.List;

/**
 * What every session of this speaker shares.
 *
 * @param communities communities added to every route ({@code (asn << 16) | value})
 * @param gracefulRestartSeconds restart time we advertise (RFC 4724); 0 advertises no graceful restart
 */
public record BgpSessionOptions(List<Long> communities, int gracefulRestartSeconds) {

    public static final BgpSessionOptions DEFAULTS = new BgpSessionOptions(List.of(), 120);

    public BgpSessionOptions {
        communities = List.copyOf(communities);
        if (gracefulRestartSeconds < 0 || gracefulRestartSeconds > 4095) {
            throw new IllegalArgumentException("graceful restart time must be 0..4095 s, not " + gracefulRestartSeconds);
        }
    }
}
