package io.vippy.bgp.codec;

import java.net.Inet4Address;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** The path attributes of an UPDATE (RFC 4271 §5, RFC 1997, RFC 4760); absent ones are empty. */
public record BgpPathAttributes(
        Optional<BgpOrigin> origin,
        Optional<BgpAsPath> asPath,
        Optional<Inet4Address> nextHop,
        OptionalLong multiExitDisc,
        OptionalLong localPref,
        List<Long> communities,
        Optional<BgpMpReach> mpReach,
        Optional<BgpMpUnreach> mpUnreach,
        List<BgpRawAttribute> unknown) {

    public static final BgpPathAttributes NONE = new BgpPathAttributes(Optional.empty(), Optional.empty(),
            Optional.empty(), OptionalLong.empty(), OptionalLong.empty(), List.of(), Optional.empty(),
            Optional.empty(), List.of());

    public BgpPathAttributes {
        communities = List.copyOf(communities);
        unknown = List.copyOf(unknown);
    }

    /** Only an MP_UNREACH_NLRI: how IPv6 prefixes are withdrawn. */
    public static BgpPathAttributes unreach(BgpMpUnreach unreach) {
        return new BgpPathAttributes(Optional.empty(), Optional.empty(), Optional.empty(), OptionalLong.empty(),
                OptionalLong.empty(), List.of(), Optional.empty(), Optional.of(unreach), List.of());
    }

    public boolean isEmpty() {
        return equals(NONE);
    }
}
