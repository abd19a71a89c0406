package io.vippy.bgp.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vippy.bgp.codec.BgpAddressFamily;
import io.vippy.bgp.codec.BgpAsPath;
import io.vippy.bgp.codec.BgpMessageEncoder;
import io.vippy.bgp.codec.BgpMpReach;
import io.vippy.bgp.codec.BgpMpUnreach;
import io.vippy.bgp.codec.BgpOrigin;
import io.vippy.bgp.codec.BgpPathAttributes;
import io.vippy.bgp.codec.BgpPrefix;
import io.vippy.bgp.codec.BgpUpdateMessage;
import io.vippy.core.Route;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The routes one session has advertised (RFC 4271 Adj-RIB-Out), and the UPDATEs that move the peer to a new
 * desired set: only the difference, as many prefixes per UPDATE as fit in 4096 bytes.
 */
final class AdjRibOut {
    private static final int MAX_MESSAGE_LENGTH = 4096;

    /**
     * The session-wide part of every route's attributes.
     *
     * @param asPath our AS for eBGP, empty for iBGP
     * @param localPref present for iBGP only
     */
    record Origination(BgpAddressFamily family, BgpAsPath asPath, InetAddress nextHop, OptionalLong localPref,
            List<Long> communities) {
    }

    private final Origination origination;
    private final Map<InetAddress, Route> advertised = new HashMap<>();

    AdjRibOut(Origination origination) {
        this.origination = origination;
    }

    int size() {
        return advertised.size();
    }

    /** Forgets what was sent, so that the next {@link #sync} sends everything (ROUTE-REFRESH). */
    void clear() {
        advertised.clear();
    }

    /** The UPDATEs that take the peer from what it has to {@code desired} (routes of other families ignored). */
    List<BgpUpdateMessage> sync(Set<Route> desired) {
        Map<InetAddress, Route> wanted = new HashMap<>();
        for (Route route : desired) {
            if (BgpAddressFamily.of(route.address()) == origination.family()) {
                wanted.put(route.address(), route);
            }
        }
        List<BgpPrefix> withdrawn = advertised.keySet().stream().filter(address -> !wanted.containsKey(address))
                .map(BgpPrefix::host).toList();
        Map<Set<Long>, List<BgpPrefix>> announcedByCommunities = new HashMap<>();
        for (Route route : wanted.values()) {
            if (!route.equals(advertised.get(route.address()))) {
                Set<Long> communities = new TreeSet<>(route.communities());
                communities.addAll(origination.communities());
                announcedByCommunities.computeIfAbsent(communities, key -> new ArrayList<>()).add(BgpPrefix.host(route.address()));
            }
        }
        withdrawn.forEach(prefix -> advertised.remove(prefix.address()));
        advertised.putAll(wanted);
        List<BgpUpdateMessage> updates = new ArrayList<>(chunked(withdrawn, this::withdrawal));
        announcedByCommunities.forEach((communities, prefixes) ->
                updates.addAll(chunked(prefixes, chunk -> announcement(List.copyOf(communities), chunk))));
        return updates;
    }

    /**
     * The first announcement's work short of the wire, for a route that no session holds: its UPDATE built and
     * encoded (start-up warm-up; the AS number is any).
     */
    static void warmUp(Route route) {
        AdjRibOut rib = new AdjRibOut(new Origination(BgpAddressFamily.of(route.address()),
                BgpAsPath.originatedBy(64512, true), route.address(), OptionalLong.empty(), List.of()));
        for (BgpUpdateMessage update : rib.sync(Set.of(route))) {
            encodedLength(update);
        }
    }

    /** UPDATEs withdrawing everything advertised. */
    List<BgpUpdateMessage> withdrawAll() {
        List<BgpPrefix> all = advertised.keySet().stream().map(BgpPrefix::host).toList();
        advertised.clear();
        return chunked(all, this::withdrawal);
    }

    private BgpUpdateMessage withdrawal(List<BgpPrefix> prefixes) {
        if (origination.family() == BgpAddressFamily.IPV4_UNICAST) {
            return new BgpUpdateMessage(prefixes, BgpPathAttributes.NONE, List.of());
        }
        return new BgpUpdateMessage(List.of(),
                BgpPathAttributes.unreach(new BgpMpUnreach(origination.family(), prefixes)), List.of());
    }

    private BgpUpdateMessage announcement(List<Long> communities, List<BgpPrefix> prefixes) {
        boolean ipv4 = origination.family() == BgpAddressFamily.IPV4_UNICAST;
        Optional<BgpMpReach> reach = ipv4 ? Optional.empty()
                : Optional.of(new BgpMpReach(origination.family(), List.of(origination.nextHop()), prefixes));
        BgpPathAttributes attributes = new BgpPathAttributes(Optional.of(BgpOrigin.IGP), Optional.of(origination.asPath()),
                ipv4 ? Optional.of((Inet4Address) origination.nextHop()) : Optional.empty(), OptionalLong.empty(),
                origination.localPref(), communities, reach, Optional.empty(), List.of());
        return new BgpUpdateMessage(List.of(), attributes, ipv4 ? prefixes : List.of());
    }

    /** Splits prefixes over as few messages as fit (one spare byte for an attribute growing to extended length). */
    private static List<BgpUpdateMessage> chunked(List<BgpPrefix> prefixes, Function<List<BgpPrefix>, BgpUpdateMessage> build) {
        if (prefixes.isEmpty()) {
            return List.of();
        }
        int perMessage = (MAX_MESSAGE_LENGTH - encodedLength(build.apply(List.of())) - 1) / prefixes.get(0).encodedLength();
        List<BgpUpdateMessage> messages = new ArrayList<>();
        for (int from = 0; from < prefixes.size(); from += perMessage) {
            messages.add(build.apply(prefixes.subList(from, Math.min(prefixes.size(), from + perMessage))));
        }
        return messages;
    }

    private static int encodedLength(BgpUpdateMessage message) {
        ByteBuf scratch = Unpooled.buffer();
        try {
            BgpMessageEncoder.INSTANCE.encode(message, scratch);
            return scratch.readableBytes();
        } finally {
            scratch.release();
        }
    }
}
