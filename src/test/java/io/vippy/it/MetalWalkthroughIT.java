package io.vippy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.json.JsonObject;
import io.vippy.testing.RootOnly;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The walkthrough, typed as the README writes it (curl with the token, jq), against the packaged Vippy on a
 * miniature Equinix Metal: the Elastic IP comes from the (fake) Metal API, the BGP neighbours too, and the
 * client reaches the load balancer only through the route the ToR's BIRD learned from Vippy.
 */
class MetalWalkthroughIT {
    private MetalRig rig;
    private RigClient client;

    @BeforeEach
    void setUp() throws Exception {
        RootOnly.assumeRoot();
        rig = MetalRig.up();
        rig.startVippy();
        client = new RigClient(rig);
        client.awaitSessions();
    }

    @AfterEach
    void tearDown() {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void walkthroughServesTheClientOnlyThroughTheRouteTheTorLearned() throws Exception {
        // The ToR forgets everything it learned while the load balancer is created.
        rig.script("bird-stop");

        JsonNode created = client.json(client.vcurl("-X POST http://localhost:10001/loadbalancer"
                + " -H 'Content-Type: application/json' -d '{\"name\":\"test loadbalancer\", \"port\": 6443}'"));
        String uuid = created.get("uuid").asText();
        JsonNode listed = client.json(client.vcurl("-s http://localhost:10001/loadbalancers | jq"));
        assertEquals(uuid, listed.get(0).get("uuid").asText());
        assertEquals("test loadbalancer", client.json(client.vcurl("-s http://localhost:10001/loadbalancer/" + uuid + " | jq"))
                .get("name").asText());
        for (String backend : MetalRig.BACKENDS) {
            JsonNode added = client.json(client.vcurl("-X POST http://localhost:10001/loadbalancer/" + uuid
                    + "/backend -d '{\"ip\":\"" + backend + "\", \"port\": " + MetalRig.BACKEND_PORT + "}'"));
            assertEquals(backend, added.get("ip").asText());
        }
        String eip = client.awaitActive(uuid);

        List<JsonObject> reservations = rig.metal.state().publicReservationsNow();
        assertEquals(1, reservations.size(), reservations.toString());
        assertEquals(eip, reservations.get(0).getString("address"), "the Elastic IP is Metal's reservation");
        assertTrue(reservations.get(0).getJsonArray("tags").contains("vippy:lb=" + uuid), reservations.toString());

        String table = rig.in("node", "nft", "list", "table", "ip", "vippy").orThrow();
        assertTrue(table.contains(eip) && MetalRig.BACKENDS.stream().allMatch(table::contains), table);
        assertTrue(rig.in("node", "ip", "addr", "show", "dev", "lo").orThrow().contains(eip + "/32"));

        // Everything is in place on the node, but nothing told the ToR yet: the client cannot get there.
        assertEquals("", rig.torRoutes(eip));
        assertNull(rig.clientGet(eip, 6443, "/whoami"), "reachable without a route at the ToR?");

        rig.script("bird-start");
        client.awaitTorRoutes(eip, 2);
        for (String route : rig.torRoutes(eip).split("\n")) {
            assertTrue(route.contains("via " + MetalRig.NODE_LINK) && route.contains("proto bird"), route);
        }
        assertEquals(Set.of("be1", "be2", "be3"), client.backendsSeen(eip, 6443, 30), "every backend serves the client");

        String status = client.vcurl("-s -o /dev/null -w '%{http_code}' -X DELETE http://localhost:10001/loadbalancer/" + uuid);
        assertTrue(Set.of("202", "204").contains(status), status);
        client.awaitGone(uuid);
        client.awaitTorRoutes(eip, 0);
        assertTrue(!rig.in("node", "ip", "addr", "show", "dev", "lo").orThrow().contains(eip),
                "the address left the node's lo");
        assertTrue(!rig.in("node", "nft", "list", "table", "ip", "vippy").orThrow().contains(eip));
        assertEquals(List.of(), rig.metal.state().publicReservationsNow(), "Metal holds no reservation any more");
        assertNull(rig.clientGet(eip, 6443, "/whoami"));
    }
}
