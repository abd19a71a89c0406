package io.vippy.address.metal.api;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * The Equinix Metal API calls Vippy makes, as a Quarkus REST client. Built by {@link MetalClient} with the
 * configured base URL ({@code https://api.equinix.com/metal/v1}); errors become {@link MetalApiException}.
 */
@Path("")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public interface MetalApi {

    @GET
    @Path("projects/{project}/ips")
    Uni<IpReservationList> listReservations(@PathParam("project") String project, @QueryParam("page") int page,
            @QueryParam("per_page") int perPage);

    @POST
    @Path("projects/{project}/ips")
    Uni<IpReservation> createReservation(@PathParam("project") String project, IpReservationRequest request);

    @DELETE
    @Path("ips/{id}")
    Uni<Void> deleteReservation(@PathParam("id") String id);

    @GET
    @Path("projects/{project}/devices")
    Uni<DeviceList> listDevices(@PathParam("project") String project, @QueryParam("hostname") String hostname,
            @QueryParam("page") int page, @QueryParam("per_page") int perPage);

    @GET
    @Path("devices/{device}/bgp/neighbors")
    Uni<BgpNeighborList> bgpNeighbors(@PathParam("device") String device);

    @POST
    @Path("devices/{device}/bgp/sessions")
    Uni<BgpSession> createBgpSession(@PathParam("device") String device, BgpSessionRequest request);
}
