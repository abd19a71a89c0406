package io.vippy.bgp;

import io.vippy.bgp.session.BgpSessionOptions;
import io.vippy.core.BgpNeighbor;
import io.vippy.core.model.InvalidConfigException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns {@link BgpConfig} into neighbours and session options; every mistake names its property. */
final class BgpConfigParser {
    private static final Pattern PEER = Pattern.compile("(?:\\[([0-9a-fA-F:.]+)\\]|([0-9.]+))(?::(\\d{1,5}))?@(\\d{1,10})");
    private static final Pattern COMMUNITY = Pattern.compile("(\\d{1,5}):(\\d{1,5})");

    private BgpConfigParser() {
    }

    /**
     * The peers of {@code vippy.bgp.peers}; empty when unset. Every value is checked even then (and even with
     * BGP off), so that a mistake stops start-up instead of waiting for the day it is used.
     */
    static List<BgpNeighbor> neighbors(BgpConfig config) {
        checkHoldTime(config.holdTime());
        config.localAs().ifPresent(asn -> checkAsn("vippy.bgp.local-as", asn));
        Optional<InetAddress> routerId = config.routerId().map(value -> address("vippy.bgp.router-id", value));
        Optional<InetAddress> source = config.sourceAddress().map(value -> address("vippy.bgp.source-address", value));
        config.password().ifPresent(BgpConfigParser::checkPassword);
        if (config.peers().isEmpty() || config.peers().get().isBlank()) {
            return List.of();
        }
        long localAs = config.localAs().orElseThrow(() -> new InvalidConfigException("vippy.bgp.local-as",
                "required when vippy.bgp.peers is set"));
        List<BgpNeighbor> neighbors = new ArrayList<>();
        for (String entry : config.peers().get().split(",")) {
            Matcher peer = PEER.matcher(entry.trim());
            if (!peer.matches()) {
                throw new InvalidConfigException("vippy.bgp.peers", "'" + entry.trim()
                        + "' is not ADDRESS[:PORT]@ASN (IPv6 as [ADDRESS]:PORT@ASN)");
            }
            InetAddress address = address("vippy.bgp.peers", peer.group(1) != null ? peer.group(1) : peer.group(2));
            int port = peer.group(3) == null ? 179 : Integer.parseInt(peer.group(3));
            if (port < 1 || port > 65535) {
                throw new InvalidConfigException("vippy.bgp.peers", "port " + port + " out of range in '" + entry.trim() + "'");
            }
            long peerAs = Long.parseLong(peer.group(4));
            checkAsn("vippy.bgp.peers", peerAs);
            neighbors.add(new BgpNeighbor(address, port, peerAs, localAs, routerId, source, config.password(),
                    config.multihop(), config.holdTime()));
        }
        return neighbors;
    }

    static BgpSessionOptions options(BgpConfig config) {
        List<Long> communities = new ArrayList<>();
        for (String entry : config.communities().orElse("").split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            Matcher community = COMMUNITY.matcher(entry.trim());
            if (!community.matches() || Long.parseLong(community.group(1)) > 0xffff || Long.parseLong(community.group(2)) > 0xffff) {
                throw new InvalidConfigException("vippy.bgp.communities", "'" + entry.trim() + "' is not ASN:VALUE (each 0..65535)");
            }
            communities.add(Long.parseLong(community.group(1)) << 16 | Long.parseLong(community.group(2)));
        }
        if (config.gracefulRestartTime() < 0 || config.gracefulRestartTime() > 4095) {
            throw new InvalidConfigException("vippy.bgp.graceful-restart-time", "must be 0..4095 seconds");
        }
        if (config.multihop() < 0 || config.multihop() > 255) {
            throw new InvalidConfigException("vippy.bgp.multihop", "must be 0 (off) or a TTL up to 255");
        }
        return new BgpSessionOptions(communities, config.gracefulRestartTime());
    }

    static void checkHoldTime(int holdTime) {
        if (holdTime < 0 || holdTime == 1 || holdTime == 2 || holdTime > 65535) {
            throw new InvalidConfigException("vippy.bgp.hold-time", holdTime + " s: must be 0 or 3..65535 (RFC 4271)");
        }
    }

    /** The kernel's TCP MD5 key is at most 80 bytes (TCP_MD5SIG_MAXKEYLEN). */
    private static void checkPassword(String password) {
        if (password.getBytes(StandardCharsets.UTF_8).length > 80) {
            throw new InvalidConfigException("vippy.bgp.password", "a TCP MD5 key is at most 80 bytes");
        }
    }

    private static void checkAsn(String property, long asn) {
        if (asn < 1 || asn > 0xffff_ffffL) {
            throw new InvalidConfigException(property, "AS number " + asn + " out of range 1..4294967295");
        }
    }

    private static InetAddress address(String property, String literal) {
        if (!literal.matches("[0-9a-fA-F:.]+") || !(literal.contains(":") || literal.matches("\\d+\\.\\d+\\.\\d+\\.\\d+"))) {
            throw new InvalidConfigException(property, "'" + literal + "' is not an IP address");
        }
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new InvalidConfigException(property, "'" + literal + "' is not an IP address");
        }
    }
}
