package io.vippy.bgp.codec;

import java.net.Inet4Address;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * OPEN (RFC 4271 §4.2) with the capabilities this speaker uses (RFC 5492).
 *
 * @param myAs the 2-octet My AS field: the ASN, or AS_TRANS (23456) when it needs 4 octets
 * @param fourOctetAs capability 65 with the real ASN (RFC 6793), when sent
 * @param otherCapabilities capabilities this speaker does not interpret, kept as they came
 */
public record BgpOpenMessage(
        int version,
        int myAs,
        int holdTimeSeconds,
        Inet4Address bgpIdentifier,
        Set<BgpAddressFamily> multiprotocol,
        OptionalLong fourOctetAs,
        boolean routeRefresh,
        Optional<BgpGracefulRestart> gracefulRestart,
        List<BgpCapability> otherCapabilities) implements BgpMessage {

    public BgpOpenMessage {
        multiprotocol = Set.copyOf(multiprotocol);
        otherCapabilities = List.copyOf(otherCapabilities);
    }

    /** An OPEN from this speaker: version 4, every capability it supports, AS_TRANS when the ASN needs it. */
    public static BgpOpenMessage of(long asn, int holdTimeSeconds, Inet4Address bgpIdentifier,
            Set<BgpAddressFamily> families, Optional<BgpGracefulRestart> gracefulRestart) {
        int myAs = asn > 0xffff ? BgpConstants.AS_TRANS : (int) asn;
        return new BgpOpenMessage(BgpConstants.VERSION, myAs, holdTimeSeconds, bgpIdentifier, families,
                OptionalLong.of(asn), true, gracefulRestart, List.of());
    }

    /** The sender's ASN: capability 65 when present, else My AS. */
    public long asn() {
        return fourOctetAs.orElse(myAs);
    }

    @Override
    public BgpMessageType type() {
        return BgpMessageType.OPEN;
    }
}
