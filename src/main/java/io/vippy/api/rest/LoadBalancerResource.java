package io.vippy.api.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import io.vippy.api.rest.LoadBalancerView.BackendView;
import io.vippy.core.LoadBalancerService;
import io.vippy.core.model.NotFoundException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The REST API of the original Vippy walkthrough, plus get-one and the backend calls it lacked. Bodies are read
 * as JSON whatever their Content-Type (the walkthrough's backend POST sends none). Thin: every call goes to
 * {@link LoadBalancerService}; methods run on worker threads since recording state is blocking.
 */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class LoadBalancerResource {
    /** Makes a create or add-backend safe to retry: the same key and body answer the first call's result. */
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    private final LoadBalancerService service;
    private final ObjectMapper json;

    LoadBalancerResource(LoadBalancerService service, ObjectMapper json) {
        this.service = service;
        this.json = json;
    }

    @POST
    @Path("loadbalancer")
    public Response create(@HeaderParam(IDEMPOTENCY_KEY) String idempotencyKey, byte[] body) {
        LoadBalancerView created = LoadBalancerView.of(service.create(RestRequests.createLoadBalancer(json, body),
                Optional.ofNullable(idempotencyKey)));
        return Response.status(Response.Status.CREATED).entity(created).build();
    }

    @GET
    @Path("loadbalancers")
    public List<LoadBalancerView> list() {
        return service.list().stream().map(LoadBalancerView::of).toList();
    }

    @GET
    @Path("loadbalancer/{uuid}")
    public LoadBalancerView get(@PathParam("uuid") String uuid) {
        return LoadBalancerView.of(service.get(loadBalancerId(uuid)));
    }

    @DELETE
    @Path("loadbalancer/{uuid}")
    @Blocking
    public Uni<Response> delete(@PathParam("uuid") String uuid) {
        UUID id = loadBalancerId(uuid);
        return service.delete(id).map(gone -> gone
                ? Response.noContent().build()
                : Response.accepted(LoadBalancerView.of(service.get(id))).build());
    }

    @POST
    @Path("loadbalancer/{uuid}/backend")
    public Response addBackend(@PathParam("uuid") String uuid, @HeaderParam(IDEMPOTENCY_KEY) String idempotencyKey,
            byte[] body) {
        UUID id = loadBalancerId(uuid);
        BackendView added = BackendView.of(service.addBackend(id, RestRequests.addBackend(json, body),
                Optional.ofNullable(idempotencyKey)));
        return Response.status(Response.Status.CREATED).entity(added).build();
    }

    @PATCH
    @Path("loadbalancer/{uuid}/backend/{backendUuid}")
    public BackendView updateBackend(@PathParam("uuid") String uuid, @PathParam("backendUuid") String backendUuid,
            byte[] body) {
        UUID id = loadBalancerId(uuid);
        UUID backendId = backendId(id, backendUuid);
        return BackendView.of(service.updateBackend(id, backendId, RestRequests.backendWeight(json, body)));
    }

    @DELETE
    @Path("loadbalancer/{uuid}/backend/{backendUuid}")
    public Response removeBackend(@PathParam("uuid") String uuid, @PathParam("backendUuid") String backendUuid) {
        UUID id = loadBalancerId(uuid);
        service.removeBackend(id, backendId(id, backendUuid));
        return Response.noContent().build();
    }

    private static UUID loadBalancerId(String text) {
        return parseUuid(text).orElseThrow(() -> new NotFoundException("no load balancer has uuid " + text + "."));
    }

    private static UUID backendId(UUID lb, String text) {
        return parseUuid(text).orElseThrow(() -> new NotFoundException(
                "load balancer " + lb + " has no backend with uuid " + text + "."));
    }

    private static Optional<UUID> parseUuid(String text) {
        try {
            return Optional.of(UUID.fromString(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
