package io.vippy.bgp.codec;

import java.util.Optional;

/** ROUTE-REFRESH (RFC 2918): asks for our routes of one AFI/SAFI again. Unknown pairs are kept as numbers. */
public record BgpRouteRefreshMessage(int afi, int safi) implements BgpMessage {

    public static BgpRouteRefreshMessage of(BgpAddressFamily family) {
        return new BgpRouteRefreshMessage(family.afi(), family.safi());
    }

    public Optional<BgpAddressFamily> family() {
        return BgpAddressFamily.fromWire(afi, safi);
    }

    @Override
    public BgpMessageType type() {
        return BgpMessageType.ROUTE_REFRESH;
    }
}
