package io.vippy.address.metal;

import java.time.Duration;
import java.util.Optional;

/** What the provider needs besides the client: where to reserve, whose reservations are ours, orphans. */
public record MetalReservationSettings(String project, Optional<String> metro, Optional<String> facility,
        String clusterId, OrphanPolicy orphanPolicy, Duration orphanScanInterval) {
}
