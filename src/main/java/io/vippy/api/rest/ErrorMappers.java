package io.vippy.api.rest;

import io.vippy.core.StoreFullException;
import io.vippy.core.StoreUnavailableException;
import io.vippy.core.model.ConflictException;
import io.vippy.core.model.NotFoundException;
import io.vippy.core.model.UnprocessableException;
import io.vippy.core.model.ValidationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every failure becomes {@code {"error": "<one sentence>"}} with the contract's status; bad input never a 500. */
public class ErrorMappers {
    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    @ServerExceptionMapper
    public Response validation(ValidationException e) {
        return error(e instanceof BodyTooLargeException ? Response.Status.REQUEST_ENTITY_TOO_LARGE
                : Response.Status.BAD_REQUEST, e.getMessage());
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        return error(Response.Status.NOT_FOUND, e.getMessage());
    }

    @ServerExceptionMapper
    public Response conflict(ConflictException e) {
        return error(Response.Status.CONFLICT, e.getMessage());
    }

    @ServerExceptionMapper
    public Response unprocessable(UnprocessableException e) {
        return error(422, e.getMessage());
    }

    @ServerExceptionMapper
    public Response storeUnavailable(StoreUnavailableException e) {
        return error(Response.Status.SERVICE_UNAVAILABLE, "the change was not acknowledged: " + e.getMessage()
                + "; reads still answer from what this node holds, send the change again once the store is back (with an Idempotency-Key a repeat is safe).");
    }

    @ServerExceptionMapper
    public Response storeFull(StoreFullException e) {
        return error(507, "the change was not acknowledged: " + e.getMessage()
                + "; reads still answer, and changes are taken again by themselves once space is freed there: send"
                + " it again then (with an Idempotency-Key a repeat is safe).");
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        String sentence = switch (status) {
            case 404 -> "no such resource; see the API in the README.";
            case 405 -> "this method is not allowed on this resource.";
            case 406 -> "only application/json responses are offered.";
            case 415 -> "send the body as JSON.";
            default -> e.getMessage();
        };
        return error(status, sentence);
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        LOG.error("request failed unexpectedly", e);
        return error(503, "Vippy could not complete the request: " + e.getMessage());
    }

    static Response error(Response.Status status, String sentence) {
        return error(status.getStatusCode(), sentence);
    }

    static Response error(int status, String sentence) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(Map.of("error", sentence)).build();
    }
}
