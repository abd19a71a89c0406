package io.vippy.api.rest;

import io.vippy.core.ClusterNodes;
import io.vippy.core.NodeStatus;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
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

    /** Takes the node out of the traffic (graceful shutdown, then withdrawn); its kernel keeps serving. */
    @POST
    @Path("/{name}/drain")
    public Response drain(@PathParam("name") String name) {
        cluster.setDrained(name, true);
        return Response.accepted().build();
    }

    /** Puts a drained node back into the traffic. */
    @DELETE
    @Path("/{name}/drain")
    public Response undrain(@PathParam("name") String name) {
        cluster.setDrained(name, false);
        return Response.accepted().build();
    }
}
