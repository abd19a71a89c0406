package io.vippy.address.metal;

import io.vippy.address.metal.api.IpReservation;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The tags that mark a reservation as Vippy's: {@code vippy}, {@code vippy:cluster=<id>} and
 * {@code vippy:lb=<uuid>}. Only a reservation carrying our exact cluster tag is ever ours to touch.
 */
record MetalTags(String clusterId) {
    static final String VIPPY = "vippy";
    private static final String CLUSTER_PREFIX = "vippy:cluster=";
    private static final String LOAD_BALANCER_PREFIX = "vippy:lb=";

    List<String> forLoadBalancer(UUID loadBalancer) {
        return List.of(VIPPY, CLUSTER_PREFIX + clusterId, LOAD_BALANCER_PREFIX + loadBalancer);
    }

    boolean isOurs(IpReservation reservation) {
        return !reservation.management() && reservation.tags().contains(CLUSTER_PREFIX + clusterId);
    }

    /** The load balancer an (our) reservation was made for; empty when the tag is missing or malformed. */
    Optional<UUID> loadBalancerOf(IpReservation reservation) {
        return reservation.tags().stream()
                .filter(tag -> tag.startsWith(LOAD_BALANCER_PREFIX))
                .map(tag -> tag.substring(LOAD_BALANCER_PREFIX.length()))
                .flatMap(text -> parseUuid(text).stream())
                .findFirst();
    }

    boolean isFor(IpReservation reservation, UUID loadBalancer) {
        return isOurs(reservation) && loadBalancerOf(reservation).filter(loadBalancer::equals).isPresent();
    }

    private static Optional<UUID> parseUuid(String text) {
        try {
            return Optional.of(UUID.fromString(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
