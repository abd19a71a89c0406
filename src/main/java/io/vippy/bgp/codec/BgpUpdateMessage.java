package io.vippy.bgp.codec;

import java.util.List;
import java.util.Optional;

/** UPDATE (RFC 4271 §4.3): withdrawn IPv4 prefixes, path attributes, and reachable IPv4 prefixes. */
public record BgpUpdateMessage(List<BgpPrefix> withdrawn, BgpPathAttributes attributes, List<BgpPrefix> nlri)
        implements BgpMessage {

    public BgpUpdateMessage {
        withdrawn = List.copyOf(withdrawn);
        nlri = List.copyOf(nlri);
    }

    /** End-of-RIB (RFC 4724 §2): an empty UPDATE for IPv4, an empty MP_UNREACH_NLRI for other families. */
    public static BgpUpdateMessage endOfRib(BgpAddressFamily family) {
        BgpPathAttributes attributes = family == BgpAddressFamily.IPV4_UNICAST ? BgpPathAttributes.NONE
                : BgpPathAttributes.unreach(new BgpMpUnreach(family, List.of()));
        return new BgpUpdateMessage(List.of(), attributes, List.of());
    }

    /** The family this message is the End-of-RIB marker of, if it is one. */
    public Optional<BgpAddressFamily> endOfRibFamily() {
        if (!withdrawn.isEmpty() || !nlri.isEmpty()) {
            return Optional.empty();
        }
        if (attributes.isEmpty()) {
            return Optional.of(BgpAddressFamily.IPV4_UNICAST);
        }
        Optional<BgpMpUnreach> unreach = attributes.mpUnreach();
        boolean onlyEmptyUnreach = unreach.isPresent() && unreach.get().withdrawn().isEmpty()
                && attributes.equals(BgpPathAttributes.unreach(unreach.get()));
        return onlyEmptyUnreach ? Optional.of(unreach.get().family()) : Optional.empty();
    }

    @Override
    public BgpMessageType type() {
        return BgpMessageType.UPDATE;
    }
}
