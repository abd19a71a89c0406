package io.vippy.dataplane.nftables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vippy.core.ServiceKey;
import io.vippy.core.model.Protocol;
import io.vippy.core.model.ValidationException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Parsing libnftables' JSON. Fixtures: {@code nft -j list table ip vippy} from nft 1.0.6 after the
 * script in the fixture's test; the "-counted" copy has counters edited to non-zero values; the
 * "-protocol-numbers" one is the same table listed with {@code /etc/protocols} hidden (a bind mount of
 * /dev/null in a mount namespace of its own), as a minimal container image lists it.
 */
class KernelTableTest {
    private static final ServiceKey WEB = new ServiceKey(LbTopology.VIP, Protocol.TCP, 80);
    private static final ServiceKey DNS = new ServiceKey(LbTopology.VIP, Protocol.UDP, 53);
    private static final BackendAddress BE1 = new BackendAddress(LbTopology.address("10.20.1.2"), 8080);
    private static final BackendAddress BE2 = new BackendAddress(LbTopology.address("10.20.2.2"), 8080);

    static String fixture(String name) {
        try (InputStream in = KernelTableTest.class.getResourceAsStream("/nftables/" + name)) {
            if (in == null) {
                throw new AssertionError("fixture " + name + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * From: services { 203.0.113.10 . tcp . 80 : goto numgen-2, 203.0.113.10 . udp . 53 : goto refuse },
     * backends { 203.0.113.10 . tcp . 80 . 0 : 10.20.1.2 . 8080, 203.0.113.10 . tcp . 80 . 1 : 10.20.2.2 . 8080 }.
     */
    @Test
    void readsServicesSlotsAndChains() {
        KernelTable table = KernelTable.parse(fixture("list-table-ip-vippy.json"));
        assertTrue(table.exists());
        assertEquals(Map.of(
                WEB, ProgrammedService.of(WEB, Selector.numgen(2), List.of(BE1, BE2)),
                DNS, ProgrammedService.of(DNS, Selector.NONE, List.of())), table.services());
        assertEquals(java.util.Set.of("numgen-2"), table.chains());
    }

    @Test
    void readsProtocolNumbersAsTheirNames() {
        String numbers = fixture("list-table-ip-vippy-protocol-numbers.json");
        assertFalse(numbers.contains("\"tcp\"") || numbers.contains("\"udp\""), "the fixture prints numbers");
        assertEquals(KernelTable.parse(fixture("list-table-ip-vippy.json")).services(),
                KernelTable.parse(numbers).services());
    }

    @Test
    void aProtocolNumberVippyDoesNotProgramIsRefused() {
        String sctp = """
                {"nftables": [{"map": {"family": "ip", "name": "services", "table": "vippy",
                  "type": ["ipv4_addr", "inet_proto", "inet_service"], "map": "verdict",
                  "elem": [[{"concat": ["203.0.113.10", 132, 80]}, {"drop": null}]]}}]}
                """;
        ValidationException refused = assertThrows(ValidationException.class, () -> KernelTable.parse(sctp));
        assertEquals("protocol number must be 6 (tcp) or 17 (udp), not 132.", refused.getMessage());
    }

    @Test
    void readsPerElementCountersAsConnections() {
        KernelTable table = KernelTable.parse(fixture("list-table-ip-vippy-counted.json"));
        assertEquals(10L, table.serviceCounts().get(WEB));
        assertEquals(0L, table.serviceCounts().get(DNS));
        assertEquals(Map.of(BE1, 6L, BE2, 4L), table.backendCounts().get(WEB));
    }

    @Test
    void garbageIsANativeExceptionAndAnEmptyListingHasNoServices() {
        assertThrows(io.vippy.netlink.NativeException.class, () -> KernelTable.parse("{\"nftables\": [ {\"map\""));
        assertEquals(Map.of(), KernelTable.parse("{\"nftables\": []}").services());
    }

    /** The reference rig's vippy-maps.nft keyed its backends map on VIP . port . slot: not Vippy's layout. */
    @Test
    void mapsOfAnotherLayoutAreSkipped() {
        String json = """
                {"nftables": [{"map": {"family": "ip", "name": "backends", "table": "vippy",
                  "type": ["ipv4_addr", "inet_service", "integer"], "map": "ipv4_addr . inet_service",
                  "elem": [[{"concat": ["203.0.113.10", 80, 0]}, {"concat": ["10.20.0.11", 80]}]]}}]}
                """;
        assertEquals(Map.of(), KernelTable.parse(json).services());
    }
}
