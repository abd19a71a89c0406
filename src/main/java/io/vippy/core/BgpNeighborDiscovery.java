package io.vippy.core;

import io.smallrye.mutiny.Uni;
import java.util.List;

/** Learns the BGP neighbours of this host from its environment (the Equinix Metal API). */
public interface BgpNeighborDiscovery {

    /** The neighbours to peer with; empty when the environment has none for this host. */
    Uni<List<BgpNeighbor>> discover();
}
