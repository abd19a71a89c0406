package io.vippy.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vippy.testing.Shell;
import io.vippy.testing.VippyTestEnvironment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/** What a user of the rig does and waits for: the README's curl commands, and requests from the client. */
public final class RigClient {
    /** Vippy's default address and port, inside the node namespace. */
    static final String NODE_API = "http://127.0.0.1:10001";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final MetalRig rig;

    RigClient(MetalRig rig) {
        this.rig = rig;
    }

    /**
     * The README's {@code vcurl} (curl with the bearer token, plus -sS: no progress meter in the answer) with
     * these arguments, through {@code sh} so that pipes such as {@code | jq} work; {@code localhost:10001} is
     * this Vippy's address.
     */
    String vcurl(String arguments) {
        String authority = rig.vippy().uri("").getAuthority();
        return Shell.sh("curl -sS -H 'Authorization: Bearer " + VippyTestEnvironment.TOKEN + "' "
                + arguments.replace("localhost:10001", authority)).orThrow();
    }

    JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + text, e);
        }
    }

    /** Creates a load balancer on this port with the rig's three backends; returns its uuid. */
    String createWithBackends(int port) {
        String uuid = json(expect(201, "POST", "/loadbalancer", "{\"name\":\"web\",\"port\":" + port + "}"))
                .get("uuid").asText();
        for (String backend : MetalRig.BACKENDS) {
            expect(201, "POST", "/loadbalancer/" + uuid + "/backend",
                    "{\"ip\":\"" + backend + "\",\"port\":" + MetalRig.BACKEND_PORT + "}");
        }
        return uuid;
    }

    /** An API call that must answer with this status; returns the body. */
    String expect(int status, String method, String path, String body) {
        HttpResponse<String> response = rig.vippy().send(method, path, body);
        if (response.statusCode() != status) {
            throw new AssertionError(method + " " + path + ": " + response.statusCode() + " " + response.body());
        }
        return response.body();
    }

    JsonNode loadBalancer(String uuid) {
        return json(rig.vippy().send("GET", "/loadbalancer/" + uuid, null).body());
    }

    /**
     * curl with the token, in the node namespace, to a Vippy listening there on {@link #NODE_API} (started as
     * the unit or the container image runs it, not through {@link io.vippy.testing.VippyProcess}).
     */
    Shell.Result nodeCurl(String arguments) {
        return rig.in("node", "sh", "-c", "curl -sS -H 'Authorization: Bearer " + VippyTestEnvironment.TOKEN + "' "
                + arguments);
    }

    /**
     * Through {@link #nodeCurl}: a load balancer on port 80 with the rig's backends, ACTIVE; returns its uuid.
     * {@code log} tells what to show when it does not become ACTIVE.
     */
    String createThroughNode(Callable<String> log) {
        String uuid = json(nodeCurl("-f -X POST " + NODE_API + "/loadbalancer -d '{\"name\":\"web\",\"port\":80}'")
                .orThrow()).get("uuid").asText();
        for (String backend : MetalRig.BACKENDS) {
            nodeCurl("-f -X POST " + NODE_API + "/loadbalancer/" + uuid + "/backend -d '{\"ip\":\"" + backend
                    + "\",\"port\":" + MetalRig.BACKEND_PORT + "}'").orThrow();
        }
        awaitNodeStatus(uuid, "ACTIVE", log);
        return uuid;
    }

    JsonNode nodeLoadBalancer(String uuid) {
        return json(nodeCurl("-f " + NODE_API + "/loadbalancer/" + uuid).orThrow());
    }

    void awaitNodeStatus(String uuid, String status, Callable<String> log) {
        awaitCondition("load balancer " + status, Duration.ofSeconds(20),
                () -> status.equals(nodeLoadBalancer(uuid).get("status").asText()), log);
    }

    void awaitSessions() {
        await("both ToR sessions Established", Duration.ofSeconds(20), rig::bothSessionsEstablished);
    }

    /** Waits for ACTIVE and returns the Elastic IP. */
    String awaitActive(String uuid) {
        await("load balancer ACTIVE", Duration.ofSeconds(20),
                () -> "ACTIVE".equals(loadBalancer(uuid).get("status").asText()));
        return loadBalancer(uuid).get("eip").asText();
    }

    void awaitGone(String uuid) {
        await("load balancer gone (404)", Duration.ofSeconds(20),
                () -> rig.vippy().send("GET", "/loadbalancer/" + uuid, null).statusCode() == 404);
    }

    /** Waits until the ToR's kernel holds this many routes to the address (one per router that learned it). */
    void awaitTorRoutes(String address, int count) {
        await(count + " ToR kernel route(s) to " + address, Duration.ofSeconds(20), () -> {
            String routes = rig.torRoutes(address);
            return (routes.isEmpty() ? 0 : routes.split("\n").length) == count;
        });
    }

    void awaitClientReaches(String address, int port) {
        await("the client reaches " + address, Duration.ofSeconds(20), () -> rig.clientGet(address, port, "/whoami") != null);
    }

    /** Sends requests from the client, one connection each; every one must succeed. Returns who answered. */
    Set<String> backendsSeen(String address, int port, int requests) {
        Set<String> seen = new TreeSet<>();
        for (int i = 0; i < requests; i++) {
            String body = rig.clientGet(address, port, "/whoami");
            if (body == null) {
                throw new AssertionError("request " + (i + 1) + " of " + requests + " to " + address + " failed");
            }
            seen.add(body);
        }
        return seen;
    }

    void await(String what, Duration atMost, Callable<Boolean> condition) {
        awaitCondition(what, atMost, condition, () -> "ToR 1: " + rig.birdc(1, "show protocols all metal")
                + "\nVippy's log:\n" + rig.vippyLog());
    }

    /** Polls every 100 ms; on timeout fails with the end of what {@code context} tells (logs, peer state). */
    public static void awaitCondition(String what, Duration atMost, Callable<Boolean> condition, Callable<String> context) {
        try {
            Awaitility.await(what).atMost(atMost).pollInterval(Duration.ofMillis(100)).until(condition);
        } catch (ConditionTimeoutException e) {
            String told;
            try {
                told = context.call();
            } catch (Exception unreadable) {
                told = unreadable.toString();
            }
            throw new AssertionError(what + ": not within " + atMost + "\n" + tail(told), e);
        }
    }

    private static String tail(String log) {
        return log.length() <= 6000 ? log : log.substring(log.length() - 6000);
    }
}
