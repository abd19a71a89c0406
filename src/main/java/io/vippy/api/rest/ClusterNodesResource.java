package io.vippy.api.rest;

import io.vippy.core.ClusterNodes;
import io.vippy.core.NodeStatus;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** The cluster's nodes: name, address, version, alive, leader, load balancers served, BGP sessions up. */
@Path("/cluster/nodes")
@Produces(MediaType.APPLICATION_JSON)
public class ClusterNodesResource {
    private final ClusterNodes cluster;

    ClusterNodesResource(ClusterNodes cluster) {
        this.cluster = cluster;
    }

    @GET
    public List<NodeStatus> nodes() {
        return cluster.nodes();
    }
}
