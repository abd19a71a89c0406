package io.vippy.address.metal.api;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The instance metadata service ({@code https://metadata.platformequinix.com}); reachable only on Metal. */
@Path("")
public interface MetalMetadataApi {

    @GET
    @Path("metadata")
    @Produces(MediaType.APPLICATION_JSON)
    Uni<DeviceMetadata> metadata();
}
