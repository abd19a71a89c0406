package io.vippy.address.metal.api;

import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.smallrye.mutiny.Uni;
import io.vippy.core.model.PermanentFailure;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * The Equinix Metal calls Vippy needs, with the fault handling in one place, the only retry layer of Metal
 * calls: each idempotent request (a page of a list, a delete, a BGP session) is retried by the
 * {@link MetalRetryPolicy}; creating a reservation is not, because its caller must first look for what a lost
 * answer may have created. Lists follow pagination to the end.
 * Errors other than 401/403/429/5xx become {@link PermanentFailure} carrying the API's message.
 */
public class MetalClient {
    /** Pages are fetched one after another; this bounds a run-away {@code last_page}. */
    private static final int MAX_PAGES = 1000;

    private final MetalApi api;
    private final MetalMetadataApi metadataApi;
    private final MetalRetryPolicy retry;
    private final int pageSize;

    MetalClient(MetalApi api, MetalMetadataApi metadataApi, MetalRetryPolicy retry, int pageSize) {
        this.api = api;
        this.metadataApi = metadataApi;
        this.retry = retry;
        this.pageSize = pageSize;
    }

    /** Builds the REST clients for these URLs; nothing connects until the first call. */
    public static MetalClient create(URI apiUrl, URI metadataUrl, String token, Duration timeout,
            MetalRetryPolicy retry, int pageSize) {
        MetalApi api = builder(apiUrl, timeout).register(new MetalAuthFilter(token)).register(new MetalApiMetrics())
                .build(MetalApi.class);
        MetalMetadataApi metadata = builder(metadataUrl, timeout).build(MetalMetadataApi.class);
        return new MetalClient(api, metadata, retry, pageSize);
    }

    private static QuarkusRestClientBuilder builder(URI baseUri, Duration timeout) {
        return QuarkusRestClientBuilder.newBuilder()
                .baseUri(baseUri)
                .connectTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .property("microprofile.rest.client.disable.default.mapper", true)
                .register(new MetalResponseExceptionMapper());
    }

    /** Every reservation of the project, management blocks included, all pages. */
    public Uni<List<IpReservation>> listReservations(String project) {
        return allPages("list the IP reservations of project " + project,
                page -> api.listReservations(project, page, pageSize));
    }

    /** One attempt: a lost answer may still have created the reservation, so the caller looks before retrying. */
    public Uni<IpReservation> createReservation(String project, IpReservationRequest request) {
        String operation = "reserve a " + request.type() + " address in project " + project;
        return api.createReservation(project, request).onFailure().transform(f -> clientError(operation, f));
    }

    /** Deletes a reservation; one that is already gone (404) counts as deleted. */
    public Uni<Void> deleteReservation(String id) {
        String operation = "delete IP reservation " + id;
        return call(operation, () -> api.deleteReservation(id)
                .onFailure(f -> status(f) == 404).recoverWithNull());
    }

    /** Devices of the project whose hostname contains {@code hostname} (the API matches partially). */
    public Uni<List<Device>> listDevices(String project, String hostname) {
        return allPages("list the devices of project " + project,
                page -> api.listDevices(project, hostname, page, pageSize));
    }

    public Uni<List<BgpNeighborData>> bgpNeighbors(String device) {
        return call("read the BGP neighbours of device " + device,
                () -> api.bgpNeighbors(device).map(BgpNeighborList::bgpNeighbors));
    }

    /**
     * Enables the device's BGP session for {@code ipv4} or {@code ipv6}. True when created, false when it
     * existed: the API answers 422 "already has session" then (CPEM treats it the same way).
     */
    public Uni<Boolean> enableBgpSession(String device, String addressFamily) {
        return call("enable the " + addressFamily + " BGP session of device " + device,
                () -> api.createBgpSession(device, new BgpSessionRequest(addressFamily, false))
                        .map(session -> true)
                        .onFailure(MetalClient::alreadyHasSession).recoverWithItem(false));
    }

    /** This host's metadata document; one attempt, since off Metal it never answers. */
    public Uni<DeviceMetadata> metadata() {
        return metadataApi.metadata().onFailure().transform(f -> clientError("read the instance metadata", f));
    }

    private <T> Uni<T> call(String operation, java.util.function.Supplier<Uni<T>> request) {
        return retry.run(operation, request).onFailure().transform(f -> clientError(operation, f));
    }

    private <T> Uni<List<T>> allPages(String operation, IntFunction<Uni<? extends MetalPage<T>>> fetch) {
        return pagesFrom(1, new ArrayList<>(), operation, fetch).onFailure().transform(f -> clientError(operation, f));
    }

    private <T> Uni<List<T>> pagesFrom(int page, List<T> collected, String operation,
            IntFunction<Uni<? extends MetalPage<T>>> fetch) {
        return retry.run(operation + " (page " + page + ")", () -> fetch.apply(page)).chain(answer -> {
            collected.addAll(answer.items());
            if (!answer.hasNext() || page >= MAX_PAGES) {
                return Uni.createFrom().item(List.copyOf(collected));
            }
            return pagesFrom(page + 1, collected, operation, fetch);
        });
    }

    private static boolean alreadyHasSession(Throwable failure) {
        return failure instanceof MetalApiException api && api.status() == 422
                && api.apiMessage().contains("already has session");
    }

    private static int status(Throwable failure) {
        return failure instanceof MetalApiException api ? api.status() : 0;
    }

    /** A 4xx that is neither auth nor rate limit will not change on retry: a permanent failure. */
    private static Throwable clientError(String operation, Throwable failure) {
        if (failure instanceof MetalApiException api && api.status() >= 400 && api.status() < 500
                && api.status() != 429) {
            return new PermanentFailure("Could not " + operation + ": " + api.getMessage(), api);
        }
        return failure;
    }
}
