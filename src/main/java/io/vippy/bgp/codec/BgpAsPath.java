package io.vippy.bgp.codec;

import java.util.List;

/**
 * AS_PATH (RFC 4271 §5.1.2). The ASN width is part of the value because it depends on the session: 4 octets
 * when both speakers sent capability 65 (RFC 6793), else 2.
 */
public record BgpAsPath(boolean fourOctet, List<Segment> segments) {

    /** One segment: AS_SET (1) or AS_SEQUENCE (2). */
    public record Segment(int type, List<Long> asns) {
        public Segment {
            asns = List.copyOf(asns);
        }
    }

    public BgpAsPath {
        segments = List.copyOf(segments);
    }

    /** The path of a route we originate over eBGP: one AS_SEQUENCE holding our ASN. */
    public static BgpAsPath originatedBy(long asn, boolean fourOctet) {
        return new BgpAsPath(fourOctet, List.of(new Segment(BgpConstants.AS_SEQUENCE, List.of(asn))));
    }

    /** The path of a route we originate over iBGP. */
    public static BgpAsPath empty(boolean fourOctet) {
        return new BgpAsPath(fourOctet, List.of());
    }
}
