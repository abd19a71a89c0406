package io.vippy.address.metal;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vippy.address.metal.api.MetalClient;
import io.vippy.address.metal.api.MetalRetryPolicy;
import io.vippy.address.metal.fake.FakeMetalApi;
import io.vippy.core.model.LoadBalancer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** A fake Metal API plus clients and providers pointed at it, with short timeouts and backoffs. */
final class MetalFixture implements AutoCloseable {
    static final String TOKEN = "test-token";
    static final Duration AWAIT = Duration.ofSeconds(60);
    static final MetalRetryPolicy FAST_RETRIES =
            new MetalRetryPolicy(6, Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofSeconds(5));

    final Vertx vertx = Vertx.vertx();
    final FakeMetalApi fake;

    MetalFixture() throws Exception {
        fake = new FakeMetalApi(vertx, TOKEN, UUID.randomUUID().toString()).start();
        fake.state().seedManagementBlock();
    }

    MetalClient client() {
        return client(TOKEN, Duration.ofSeconds(2), FAST_RETRIES, 250);
    }

    MetalClient client(String token, Duration timeout, MetalRetryPolicy retry, int pageSize) {
        return MetalClient.create(fake.apiUrl(), fake.metadataUrl(), token, timeout, retry, pageSize);
    }

    MetalAddressProvider provider(MetalClient client, String clusterId, OrphanPolicy policy,
            Supplier<Uni<List<LoadBalancer>>> storedNow, Duration scanInterval) {
        MetalReservationSettings settings = new MetalReservationSettings(fake.state().project(), Optional.of("da"),
                Optional.empty(), clusterId, policy, scanInterval);
        return new MetalAddressProvider(client, settings, storedNow);
    }

    MetalAddressProvider provider(MetalClient client, String clusterId) {
        return provider(client, clusterId, OrphanPolicy.RELEASE, () -> Uni.createFrom().item(List.of()),
                Duration.ofHours(1));
    }

    /** The public reservations tagged for this load balancer, whatever the cluster. */
    List<JsonObject> reservationsOf(UUID loadBalancer) {
        return fake.state().publicReservationsNow().stream()
                .filter(r -> r.getJsonArray("tags").contains("vippy:lb=" + loadBalancer))
                .toList();
    }

    long requests(String methodAndPathStart) {
        return fake.requests().stream().filter(r -> r.startsWith(methodAndPathStart)).count();
    }

    @Override
    public void close() throws Exception {
        fake.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
