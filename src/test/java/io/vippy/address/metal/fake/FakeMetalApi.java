package io.vippy.address.metal.fake;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A fake Equinix Metal API on 127.0.0.1 (random port), faithful to the shapes in
 * {@code shared/reference/equinix-metal-api.md}: IP reservations, devices, BGP neighbours and sessions, the
 * metadata document, {@code X-Auth-Token} (401), {@code {"errors": [..]}} bodies, pagination {@code meta},
 * plus the {@link FakeMetalFaults}. The API lives under {@value #API_PATH}; the metadata service at the root.
 *
 * <p>Standalone, for local demos: {@code ./mvnw -q test-compile dependency:build-classpath
 * -Dmdep.outputFile=/tmp/cp} (the dependency plugin is fetched once, online), then
 * {@code java -cp target/test-classes:target/classes:$(cat /tmp/cp) io.vippy.address.metal.fake.FakeMetalApi};
 * it prints the token, project and URLs to start Vippy against it, and runs until killed.
 */
public final class FakeMetalApi implements AutoCloseable {
    public static final String API_PATH = "/metal/v1";
    private static final int DEFAULT_PER_PAGE = 10;
    private static final int IPS_DEFAULT_PER_PAGE = 250;

    private final Vertx vertx;
    private final String token;
    private final FakeMetalState state;
    private final FakeMetalFaults faults = new FakeMetalFaults();
    private final List<String> requestLog = new ArrayList<>();
    private volatile String metadataDevice;
    private HttpServer server;

    public FakeMetalApi(Vertx vertx, String token, String project) {
        this.vertx = vertx;
        this.token = token;
        this.state = new FakeMetalState(project);
    }

    public FakeMetalApi start() throws Exception {
        Router router = Router.router(vertx);
        router.route().handler(BodyHandler.create());
        router.route(API_PATH + "/*").handler(this::authenticate);
        router.get(API_PATH + "/projects/:project/ips").handler(c -> serve(c, () -> listReservations(c)));
        router.post(API_PATH + "/projects/:project/ips").handler(c -> serve(c, () -> createReservation(c)));
        router.get(API_PATH + "/ips/:id").handler(c -> serve(c, () -> answer(200, state.reservation(id(c)))));
        router.delete(API_PATH + "/ips/:id").handler(c -> serve(c, () -> {
            state.deleteReservation(id(c));
            return answer(204, null);
        }));
        router.get(API_PATH + "/projects/:project/devices").handler(c -> serve(c, () -> listDevices(c)));
        router.get(API_PATH + "/devices/:id/bgp/neighbors").handler(c -> serve(c, () -> answer(200,
                new JsonObject().put("bgp_neighbors", new JsonArray(new ArrayList<>(state.neighbors(id(c))))))));
        router.post(API_PATH + "/devices/:id/bgp/sessions").handler(c -> serve(c, () -> answer(201,
                state.createSession(id(c), body(c).getString("address_family")))));
        router.get("/metadata").handler(this::metadata);
        server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return this;
    }

    public URI apiUrl() {
        return URI.create("http://127.0.0.1:" + server.actualPort() + API_PATH);
    }

    public URI metadataUrl() {
        return URI.create("http://127.0.0.1:" + server.actualPort());
    }

    public FakeMetalState state() {
        return state;
    }

    public FakeMetalFaults faults() {
        return faults;
    }

    /** The device whose metadata {@code /metadata} serves; none (404) by default, as off Metal. */
    public void metadataFor(String deviceId) {
        metadataDevice = deviceId;
    }

    /** "METHOD path" of every API request, in arrival order. */
    public synchronized List<String> requests() {
        return List.copyOf(requestLog);
    }

    private void authenticate(RoutingContext context) {
        synchronized (this) {
            requestLog.add(context.request().method() + " " + context.request().path());
        }
        if (!token.equals(context.request().getHeader("X-Auth-Token"))) {
            send(context, error(401, "Invalid authentication token"));
            return;
        }
        context.next();
    }

    /** Runs a handler under the fault plan: some faults strike before it commits, some after. */
    private void serve(RoutingContext context, Supplier<Answer> handler) {
        Optional<FakeMetalFaults.Kind> fault = faults.draw(context.request().method().name());
        if (fault.isPresent()) {
            switch (fault.get()) {
                case SERVER_ERROR -> {
                    send(context, error(503, "Service Unavailable"));
                    return;
                }
                case RATE_LIMIT -> {
                    send(context, rateLimited());
                    return;
                }
                case DROP_BEFORE_COMMIT -> {
                    context.request().connection().close();
                    return;
                }
                default -> { }
            }
        }
        Answer answer = apply(handler);
        if (fault.filter(FakeMetalFaults.Kind.DROP_AFTER_COMMIT::equals).isPresent()) {
            context.request().connection().close();
        } else if (fault.filter(FakeMetalFaults.Kind.SLOW::equals).isPresent()) {
            vertx.setTimer(faults.delay().toMillis(), t -> send(context, answer));
        } else {
            send(context, answer);
        }
    }

    private Answer apply(Supplier<Answer> handler) {
        try {
            return handler.get();
        } catch (FakeMetalError e) {
            return error(e.status, e.getMessage());
        }
    }

    private Answer listReservations(RoutingContext context) {
        requireProject(context);
        List<String> types = new ArrayList<>(context.queryParam("types"));
        types.addAll(context.queryParam("type"));
        return page(context, "ip_addresses", state.reservations(types), IPS_DEFAULT_PER_PAGE);
    }

    private Answer createReservation(RoutingContext context) {
        requireProject(context);
        JsonObject request = body(context);
        if (request.getString("type") == null || request.getValue("quantity") == null) {
            throw new FakeMetalError(422, "type and quantity are required");
        }
        return answer(201, state.createReservation(request));
    }

    private Answer listDevices(RoutingContext context) {
        requireProject(context);
        return page(context, "devices", state.devices(context.request().getParam("hostname")), DEFAULT_PER_PAGE);
    }

    /** One page of a list, with the Meta fields the reference names; {@code next} only when a page follows. */
    private Answer page(RoutingContext context, String collection, List<JsonObject> all, int defaultPerPage) {
        int perPage = intParam(context, "per_page", defaultPerPage);
        int page = intParam(context, "page", 1);
        if (perPage < 1 || perPage > 1000 || page < 1 || page > 100_000) {
            throw new FakeMetalError(422, "page must be 1 to 100000 and per_page 1 to 1000");
        }
        int lastPage = Math.max(1, (all.size() + perPage - 1) / perPage);
        int from = Math.min(all.size(), (page - 1) * perPage);
        List<JsonObject> items = all.subList(from, Math.min(all.size(), from + perPage));
        String base = context.request().path() + "?per_page=" + perPage + "&page=";
        JsonObject meta = new JsonObject()
                .put("first", href(base + 1)).put("last", href(base + lastPage)).put("self", href(base + page))
                .put("total", all.size()).put("current_page", page).put("last_page", lastPage);
        if (page > 1) {
            meta.put("previous", href(base + (page - 1)));
        }
        if (page < lastPage) {
            meta.put("next", href(base + (page + 1)));
        }
        return answer(200, new JsonObject().put(collection, new JsonArray(new ArrayList<>(items))).put("meta", meta));
    }

    private void metadata(RoutingContext context) {
        String device = metadataDevice;
        if (device == null) {
            send(context, new Answer(404, new JsonObject().put("error", "Not found"), -1));
            return;
        }
        send(context, apply(() -> answer(200, state.metadata(device))));
    }

    private void requireProject(RoutingContext context) {
        if (!state.project().equals(context.pathParam("project"))) {
            throw new FakeMetalError(404, "Not found");
        }
    }

    private Answer rateLimited() {
        long reset = faults.rateLimitReset() > 0 ? faults.rateLimitReset() : System.currentTimeMillis() / 1000 + 1;
        return new Answer(429, new JsonObject().put("errors", new JsonArray().add("Too Many Requests")), reset);
    }

    private void send(RoutingContext context, Answer answer) {
        var response = context.response().setStatusCode(answer.status);
        response.putHeader("X-RateLimit-Limit", "100");
        if (answer.rateLimitReset >= 0) {
            response.putHeader("X-RateLimit-Remaining", "0").putHeader("X-RateLimit-Reset",
                    Long.toString(answer.rateLimitReset));
        }
        if (answer.body == null) {
            response.end();
        } else {
            response.putHeader("Content-Type", "application/json; charset=utf-8").end(answer.body.encode());
        }
    }

    private static JsonObject body(RoutingContext context) {
        try {
            JsonObject body = context.body().asJsonObject();
            if (body == null) {
                throw new FakeMetalError(422, "A JSON body is required");
            }
            return body;
        } catch (io.vertx.core.json.DecodeException e) {
            throw new FakeMetalError(422, "The body is not valid JSON");
        }
    }

    private static int intParam(RoutingContext context, String name, int fallback) {
        String value = context.request().getParam(name);
        try {
            return value == null ? fallback : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new FakeMetalError(422, name + " must be an integer");
        }
    }

    private static String id(RoutingContext context) {
        return context.pathParam("id");
    }

    private static JsonObject href(String href) {
        return new JsonObject().put("href", href);
    }

    private static Answer answer(int status, JsonObject body) {
        return new Answer(status, body, -1);
    }

    private static Answer error(int status, String message) {
        return new Answer(status, new JsonObject().put("errors", new JsonArray().add(message)), -1);
    }

    /** A response to send: status, JSON body (null for none) and the rate-limit reset (-1 for none). */
    private record Answer(int status, JsonObject body, long rateLimitReset) {
    }

    @Override
    public void close() throws Exception {
        if (server != null) {
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /** Starts a fake with one device (this host's name, with two IPv4 peers) and prints how to use it. */
    public static void main(String[] args) throws Exception {
        String token = UUID.randomUUID().toString().replace("-", "");
        FakeMetalApi fake = new FakeMetalApi(Vertx.vertx(), token, UUID.randomUUID().toString()).start();
        String hostname = java.net.InetAddress.getLocalHost().getHostName();
        fake.metadataFor(fake.state().addDevice(hostname, List.of(FakeMetalNeighbors.localIpv4())));
        fake.state().seedManagementBlock();
        System.out.println("Fake Equinix Metal API listening; start Vippy with:");
        System.out.println("  export PACKET_AUTH_TOKEN=" + token + " PROJECT_ID=" + fake.state().project() + " METRO=da");
        System.out.println("  export VIPPY_METAL_API_URL=" + fake.apiUrl() + " VIPPY_METAL_METADATA_URL="
                + fake.metadataUrl());
    }
}
