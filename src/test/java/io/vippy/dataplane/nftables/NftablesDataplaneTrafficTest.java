package io.vippy.dataplane.nftables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vippy.core.RealServer;
import io.vippy.core.ServiceCounters;
import io.vippy.core.ServiceKey;
import io.vippy.core.VirtualService;
import io.vippy.core.model.Protocol;
import io.vippy.core.model.Scheduler;
import io.vippy.testing.RootOnly;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real traffic through the nftables dataplane: client namespace -> VIP in the lb namespace -> backends. */
class NftablesDataplaneTrafficTest {
    private static LbTopology topology;
    private static NftablesDataplane dataplane;

    @BeforeAll
    static void buildTopology() {
        RootOnly.assumeRoot();
        RootOnly.requireTool("nft");
        topology = new LbTopology(5);
        dataplane = new NftablesDataplane();
    }

    @AfterAll
    static void tearDown() {
        if (topology != null) {
            topology.inLb(dataplane::close);
            topology.close();
        }
    }

    @Test
    void roundRobinSpreadsEvenlyThroughFullNat() {
        VirtualService service = service(80, Protocol.TCP, Scheduler.RR, i -> 1, 1, 2, 3);
        topology.inLb(() -> dataplane.program(service));
        try {
            Map<String, Integer> hits = tally(300, () -> topology.request(80));
            assertEquals(3, hits.size(), "every backend answers: " + hits);
            hits.forEach((backend, count) -> assertTrue(count >= 90 && count <= 110,
                    "rr within 10% of 100 per backend over 300 connections: " + hits));
            ServiceCounters counters = topology.inLb(() -> dataplane.counters()).stream()
                    .filter(c -> c.key().equals(service.key())).findFirst().orElseThrow();
            assertEquals(300, counters.total().connections(), "new connections the services map counted");
            counters.perReal().forEach((real, traffic) -> assertEquals(
                    hits.get("be" + real.address().getHostAddress().split("\\.")[2]).longValue(),
                    traffic.connections(), "per backend connections for " + real));
        } finally {
            topology.inLb(() -> dataplane.unprogram(service.key()));
        }
    }

    @Test
    void weightedRoundRobinSplitsByWeight() {
        VirtualService service = service(81, Protocol.TCP, Scheduler.WRR, i -> i, 1, 2, 3);
        topology.inLb(() -> dataplane.program(service));
        try {
            Map<String, Integer> hits = tally(300, () -> topology.request(81));
            assertNear(50, hits.get("be1"), hits);
            assertNear(100, hits.get("be2"), hits);
            assertNear(150, hits.get("be3"), hits);
        } finally {
            topology.inLb(() -> dataplane.unprogram(service.key()));
        }
    }

    @Test
    void removingABackendUnderLoadFailsNoRequest() throws Exception {
        VirtualService all = service(83, Protocol.TCP, Scheduler.RR, i -> 1, 1, 2, 3);
        VirtualService withoutThird = service(83, Protocol.TCP, Scheduler.RR, i -> 1, 1, 2);
        topology.inLb(() -> dataplane.program(all));
        try {
            List<Future<String>> before = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                before.add(topology.requestAsync(83, 0));
            }
            topology.inLb(() -> dataplane.program(withoutThird));
            List<Future<String>> after = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                after.add(topology.requestAsync(83, 0));
            }
            int failed = 0;
            for (Future<String> request : before) {
                failed += LbTopology.await(request) == null ? 1 : 0;
            }
            Map<String, Integer> afterHits = new TreeMap<>();
            for (Future<String> request : after) {
                afterHits.merge(String.valueOf(LbTopology.await(request)), 1, Integer::sum);
            }
            assertEquals(0, failed, "requests that failed while be3 was removed");
            assertEquals(Map.of("be1", 250, "be2", 250), afterHits, "requests after the removal");
        } finally {
            topology.inLb(() -> dataplane.unprogram(all.key()));
        }
    }

    static VirtualService service(int port, Protocol protocol, Scheduler scheduler, IntFunction<Integer> weight,
            int... backends) {
        List<RealServer> reals = new ArrayList<>();
        for (int index : backends) {
            reals.add(new RealServer(LbTopology.backendAddress(index), port, weight.apply(index)));
        }
        return new VirtualService(new ServiceKey(LbTopology.VIP, protocol, port), scheduler, reals);
    }

    static Map<String, Integer> tally(int count, java.util.function.Supplier<String> request) {
        Map<String, Integer> hits = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            hits.merge(String.valueOf(request.get()), 1, Integer::sum);
        }
        return hits;
    }

    static void assertNear(int expected, Integer actual, Map<String, Integer> all) {
        assertTrue(actual != null && Math.abs(actual - expected) <= expected / 10,
                "expected about " + expected + " (within 10%), got " + actual + ": " + all);
    }
}
