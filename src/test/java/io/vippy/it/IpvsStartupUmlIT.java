package io.vippy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vippy.testing.RootOnly;
import io.vippy.testing.UmlGuest;
import io.vippy.testing.VippyProcess;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged Vippy on a kernel with IPVS but whose nftables cannot NAT (user-mode Linux, src/test/uml/), run
 * by {@code vippy-in-guest.sh}: with masquerade on (the default) it must not answer 201 and then do nothing in
 * silence; with masquerade off, the service must be in IPVS.
 */
class IpvsStartupUmlIT {
    private static final Duration GUEST_TIMEOUT = Duration.ofSeconds(480);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static UmlGuest guest;

    @BeforeAll
    static void runGuest() {
        RootOnly.assumeRoot();
        RootOnly.requireTool("curl");
        RootOnly.requireTool("jq");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String script = Path.of("src/test/uml/vippy-in-guest.sh").toAbsolutePath().toString();
        guest = UmlGuest.run("uml-startup-", "sh " + script + " " + java + " "
                + VippyProcess.JAR.toAbsolutePath().getParent() + " > guest.log 2>&1\n", GUEST_TIMEOUT, "768M");
    }

    @Test
    void withMasqueradeOnACreateSaysNftablesCannotAndReadinessIsDown() throws Exception {
        JsonNode lb = json("masquerade-on.lb.json");
        assertEquals("FAILED", lb.path("status").asText(), lb + "\n" + guest.output());
        String message = lb.path("message").asText();
        assertTrue(message.contains("masquerade") && message.toLowerCase().contains("nft"),
                "the message names the masquerade nftables cannot do: " + message);

        assertEquals("503", guest.read("masquerade-on.ready.code"), guest.read("masquerade-on.ready.json"));
        JsonNode ready = json("masquerade-on.ready.json");
        assertEquals("DOWN", ready.path("status").asText());
        JsonNode data = convergenceCheck(ready).path("data");
        assertTrue(data.path("start-up sync").asText().contains("nft"), "names the failing start-up sync: " + ready);
        assertEquals(message, data.path("load balancer " + lb.path("uuid").asText()).asText(),
                "names the load balancer and its message: " + ready);

        assertTrue(guest.read("masquerade-on.metrics").contains("vippy_loadbalancers{status=\"FAILED\"} 1.0"),
                guest.read("masquerade-on.metrics"));
        assertEquals(1, guest.read("masquerade-on.log").lines().filter(line -> line.contains("start-up sync failed")).count(),
                "one warning line at start-up:\n" + guest.read("masquerade-on.log"));
    }

    @Test
    void withMasqueradeOffTheServiceIsProgrammedAndReadinessIsUp() throws Exception {
        JsonNode lb = json("masquerade-off.lb.json");
        assertEquals("ACTIVE", lb.path("status").asText(), lb + "\n" + guest.output());
        String ipvsadm = guest.read("masquerade-off.ipvsadm").replaceAll("[ \\t]+", " ");
        assertTrue(ipvsadm.contains("TCP " + lb.path("eip").asText() + ":80 " + lb.path("scheduler").asText()), ipvsadm);
        assertTrue(ipvsadm.contains("-> 10.0.0.2:8080 Masq 1"), ipvsadm);
        assertEquals("200", guest.read("masquerade-off.ready.code"), guest.read("masquerade-off.ready.json"));
        assertEquals("UP", convergenceCheck(json("masquerade-off.ready.json")).path("status").asText());
        assertTrue(guest.read("masquerade-off.metrics").contains("vippy_loadbalancers{status=\"ACTIVE\"} 1.0"),
                guest.read("masquerade-off.metrics"));
    }

    /** Vippy's own readiness check among the others (gRPC's). */
    private static JsonNode convergenceCheck(JsonNode health) {
        for (JsonNode check : health.path("checks")) {
            if (check.path("name").asText().equals("kernel and routes match the stored state")) {
                return check;
            }
        }
        throw new AssertionError("no Vippy readiness check in " + health);
    }

    private static JsonNode json(String file) throws Exception {
        String text = guest.read(file);
        assertTrue(!text.isBlank(), file + " is missing:\n" + guest.output());
        return JSON.readTree(text);
    }
}
