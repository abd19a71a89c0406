package io.vippy.address.metal.fake;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * What the fake Metal project holds: IP reservations (public IPv4 /32s from 198.51.100.0/24, a
 * documentation range), devices, their BGP neighbours and sessions. Every change is atomic (synchronized)
 * and rejects what the API rejects, with its status codes.
 */
public final class FakeMetalState {
    private static final String METRO = "da";

    private final String project;
    private final Map<String, JsonObject> reservations = new LinkedHashMap<>();
    private final Deque<Integer> freeHosts = new ArrayDeque<>();
    private final Map<String, JsonObject> devices = new LinkedHashMap<>();
    private final Map<String, List<JsonObject>> neighbors = new HashMap<>();
    private final Map<String, Set<String>> sessions = new HashMap<>();
    private int quota = 100;
    private long clock;

    FakeMetalState(String project) {
        this.project = project;
        for (int host = 1; host < 255; host++) {
            freeHosts.add(host);
        }
    }

    public String project() {
        return project;
    }

    /** How many public_ipv4 reservations the project may hold before requests need approval. */
    public synchronized void quota(int reservationsAllowed) {
        quota = reservationsAllowed;
    }

    /** POST /projects/{id}/ips, after the body was checked for shape. */
    synchronized JsonObject createReservation(JsonObject request) {
        String type = request.getString("type");
        if (!"public_ipv4".equals(type)) {
            throw new FakeMetalError(422, "This fake only reserves public_ipv4 addresses, not " + type);
        }
        if (request.getInteger("quantity", 0) != 1) {
            throw new FakeMetalError(422, "quantity must be 1 in this fake");
        }
        boolean hasMetro = request.getString("metro") != null;
        if (hasMetro == (request.getString("facility") != null)) {
            throw new FakeMetalError(422, "Specify exactly one of metro or facility");
        }
        boolean overQuota = publicReservations() >= quota || freeHosts.isEmpty();
        if (overQuota && request.getBoolean("fail_on_approval_required", false)) {
            throw new FakeMetalError(422, "You have reached the maximum number of public_ipv4 addresses in this"
                    + " metro; request more from support");
        }
        JsonObject reservation = reservation(request.getJsonArray("tags", new JsonArray()),
                overQuota ? "pending" : "created", false);
        reservation.put("details", request.getString("details"));
        reservation.put("customdata", request.getJsonObject("customdata", new JsonObject()));
        return reservation.copy();
    }

    /** A reservation made by someone else (another cluster, a person), straight into the project. */
    public synchronized String seedReservation(List<String> tags) {
        return reservation(new JsonArray(tags), "created", false).getString("id");
    }

    /** The project's management block, which every real listing includes. */
    public synchronized void seedManagementBlock() {
        reservation(new JsonArray(), "created", true);
    }

    private JsonObject reservation(JsonArray tags, String state, boolean management) {
        String id = UUID.randomUUID().toString();
        String address = "198.51.100." + freeHosts.poll();
        JsonObject reservation = new JsonObject()
                .put("id", id).put("href", FakeMetalApi.API_PATH + "/ips/" + id)
                .put("type", "public_ipv4").put("address_family", 4).put("public", true)
                .put("address", address).put("network", address).put("gateway", address)
                .put("netmask", "255.255.255.255").put("cidr", 32)
                .put("state", state).put("management", management).put("manageable", !management)
                .put("addon", !management).put("bill", !management).put("global_ip", false)
                .put("tags", tags.copy()).put("assignments", new JsonArray())
                .put("metro", new JsonObject().put("id", UUID.nameUUIDFromBytes(METRO.getBytes()).toString())
                        .put("code", METRO).put("name", "Dallas").put("country", "US"))
                .put("facility", (Object) null)
                .put("project", new JsonObject().put("href", FakeMetalApi.API_PATH + "/projects/" + project))
                .put("created_at", Instant.ofEpochSecond(1_700_000_000L + clock++).toString());
        reservations.put(id, reservation);
        return reservation;
    }

    private long publicReservations() {
        return reservations.values().stream().filter(r -> !r.getBoolean("management")).count();
    }

    /** GET /projects/{id}/ips, in creation order; {@code types} empty means all. */
    public synchronized List<JsonObject> reservations(List<String> types) {
        return reservations.values().stream()
                .filter(r -> types.isEmpty() || types.contains(r.getString("type")))
                .map(JsonObject::copy)
                .toList();
    }

    public synchronized JsonObject reservation(String id) {
        JsonObject reservation = reservations.get(id);
        if (reservation == null) {
            throw new FakeMetalError(404, "Not found");
        }
        return reservation.copy();
    }

    synchronized void deleteReservation(String id) {
        JsonObject removed = reservations.remove(reservation(id).getString("id"));
        String address = removed.getString("address");
        freeHosts.add(Integer.parseInt(address.substring(address.lastIndexOf('.') + 1)));
    }

    /** Every non-management reservation, for assertions. */
    public synchronized List<JsonObject> publicReservationsNow() {
        return reservations.values().stream().filter(r -> !r.getBoolean("management")).map(JsonObject::copy)
                .toList();
    }

    /** Adds an active device; its BGP neighbours ({@code bgp_neighbors} entries) show once a session exists. */
    public synchronized String addDevice(String hostname, List<JsonObject> bgpNeighbors) {
        String id = UUID.randomUUID().toString();
        devices.put(id, new JsonObject().put("id", id).put("hostname", hostname).put("short_id", id.substring(0, 8))
                .put("state", "active").put("href", FakeMetalApi.API_PATH + "/devices/" + id)
                .put("metro", new JsonObject().put("code", METRO)).put("tags", new JsonArray())
                .put("ip_addresses", new JsonArray()));
        neighbors.put(id, List.copyOf(bgpNeighbors));
        sessions.put(id, new HashSet<>());
        return id;
    }

    synchronized List<JsonObject> devices(String hostnamePart) {
        return devices.values().stream()
                .filter(d -> hostnamePart == null || d.getString("hostname").contains(hostnamePart))
                .map(JsonObject::copy)
                .toList();
    }

    synchronized JsonObject device(String id) {
        JsonObject device = devices.get(id);
        if (device == null) {
            throw new FakeMetalError(404, "Not found");
        }
        return device.copy();
    }

    /** The neighbour entries of the address families whose session is enabled. */
    public synchronized List<JsonObject> neighbors(String deviceId) {
        device(deviceId);
        Set<String> enabled = sessions.get(deviceId);
        return neighbors.get(deviceId).stream()
                .filter(n -> enabled.contains(n.getInteger("address_family") == 6 ? "ipv6" : "ipv4"))
                .map(JsonObject::copy)
                .toList();
    }

    /** POST /devices/{id}/bgp/sessions: 422 "already has session" for a family that has one. */
    synchronized JsonObject createSession(String deviceId, String family) {
        device(deviceId);
        if (!"ipv4".equals(family) && !"ipv6".equals(family)) {
            throw new FakeMetalError(422, "address_family must be ipv4 or ipv6");
        }
        if (!sessions.get(deviceId).add(family)) {
            throw new FakeMetalError(422, "Device " + deviceId + " already has session for " + family);
        }
        return new JsonObject().put("id", UUID.randomUUID().toString()).put("address_family", family)
                .put("default_route", false).put("status", "unknown,unknown")
                .put("device", new JsonObject().put("href", FakeMetalApi.API_PATH + "/devices/" + deviceId))
                .put("learned_routes", new JsonArray()).put("created_at", Instant.now().toString());
    }

    public synchronized Set<String> sessions(String deviceId) {
        return Set.copyOf(sessions.get(deviceId));
    }

    /** The metadata document of a device, as the metadata service serves it to that device. */
    synchronized JsonObject metadata(String deviceId) {
        JsonObject device = device(deviceId);
        JsonObject metadata = new JsonObject().put("id", deviceId).put("hostname", device.getString("hostname"))
                .put("metro", METRO).put("facility", METRO + "11").put("plan", "c3.small.x86")
                .put("tags", new JsonArray()).put("network", new JsonObject().put("addresses", new JsonArray()));
        List<JsonObject> enabled = neighbors(deviceId);
        if (!enabled.isEmpty()) {
            metadata.put("bgp_neighbors", new JsonArray(new ArrayList<>(enabled)));
        }
        return metadata;
    }
}
