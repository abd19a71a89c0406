package io.vippy.address.metal.fake;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** BGP neighbour entries shaped like the API's, from the reference's examples (network-helpers data). */
public final class FakeMetalNeighbors {
    private FakeMetalNeighbors() {
    }

    /** Local BGP over IPv4: AS 65000 to the two ToR peers of AS 65530, multihop, with an MD5 password. */
    public static JsonObject localIpv4() {
        return new JsonObject().put("address_family", 4).put("customer_as", 65000).put("customer_ip", "10.99.182.129")
                .put("md5_enabled", true).put("md5_password", "s3cretPassw0rd").put("multihop", true)
                .put("peer_as", 65530).put("peer_ips", new JsonArray().add("169.254.255.1").add("169.254.255.2"))
                .put("routes_in", new JsonArray().add(new JsonObject().put("route", "10.99.182.128/31")
                        .put("exact", false)))
                .put("routes_out", new JsonArray());
    }

    /** The IPv6 entry: directly connected, no password. */
    public static JsonObject localIpv6() {
        return new JsonObject().put("address_family", 6).put("customer_as", 65000)
                .put("customer_ip", "2604:1380:4111:2700::1").put("md5_enabled", false)
                .putNull("md5_password").put("multihop", false).put("peer_as", 65530)
                .put("peer_ips", new JsonArray().add("fc00:0000:0000:0000:0000:0000:0000:000e"))
                .put("routes_in", new JsonArray()).put("routes_out", new JsonArray());
    }
}
