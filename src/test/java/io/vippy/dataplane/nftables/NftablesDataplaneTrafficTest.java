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
import io.vippy.testing.Futures;
import io.vippy.testing.EchoConnection;
import io.vippy.testing.RootOnly;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
                failed += Futures.await(request) == null ? 1 : 0;
            }
            Map<String, Integer> afterHits = new TreeMap<>();
            for (Future<String> request : after) {
                afterHits.merge(String.valueOf(Futures.await(request)), 1, Integer::sum);
            }
            assertEquals(0, failed, "requests that failed while be3 was removed");
            assertEquals(Map.of("be1", 250, "be2", 250), afterHits, "requests after the removal");
        } finally {
            topology.inLb(() -> dataplane.unprogram(all.key()));
        }
    }

    @Test
    void maglevKeepsEachFlowOnItsBackendAndMovesAFifthWhenOneOfFiveGoes() {
        VirtualService five = service(82, Protocol.TCP, Scheduler.MH, i -> 1, 1, 2, 3, 4, 5);
        VirtualService four = service(82, Protocol.TCP, Scheduler.MH, i -> 1, 1, 2, 3, 4);
        topology.inLb(() -> dataplane.program(five));
        try {
            Map<Integer, String> first = flows(82);
            assertEquals(first, flows(82), "the same 5-tuple lands on the same backend");
            Map<String, Integer> spread = new TreeMap<>();
            first.values().forEach(backend -> spread.merge(backend, 1, Integer::sum));
            assertEquals(5, spread.size(), "all five backends get flows: " + spread);

            topology.inLb(() -> dataplane.program(four));
            Map<Integer, String> after = flows(82);
            int moved = 0;
            int movedNeedlessly = 0;
            for (var flow : first.entrySet()) {
                String now = after.get(flow.getKey());
                assertNotEquals("be5", now, "no flow goes to the removed backend");
                if (!now.equals(flow.getValue())) {
                    moved++;
                    movedNeedlessly += flow.getValue().equals("be5") ? 0 : 1;
                }
            }
            double fraction = moved / (double) first.size();
            assertTrue(fraction > 0.1 && fraction < 0.3, "about a fifth of flows move: " + moved + "/" + first.size());
            assertTrue(movedNeedlessly <= first.size() / 20,
                    "flows of remaining backends mostly stay: " + movedNeedlessly + " moved");
        } finally {
            topology.inLb(() -> dataplane.unprogram(five.key()));
        }
    }

    /**
     * No usable backend: the connection is refused at once (TCP reset, ICMP port unreachable for UDP), as
     * kube-proxy does for a service without endpoints, never dropped (the client would wait for its timeout) and
     * never delivered to what listens on the host on that port.
     */
    @Test
    void aServiceWithNoUsableBackendRefusesConnectionsAtOnce() throws Exception {
        int port = 88;
        VirtualService tcp = service(port, Protocol.TCP, Scheduler.RR, i -> 0, 1, 2);
        VirtualService udp = service(port, Protocol.UDP, Scheduler.RR, i -> 0, 1);
        VirtualService tcp6 = new VirtualService(new ServiceKey(LbTopology.VIP6, Protocol.TCP, port), Scheduler.RR,
                List.of(new RealServer(LbTopology.backendAddress6(1), 80, 0)));
        java.net.ServerSocket hostListener = topology.inLb(() -> new java.net.ServerSocket(port));
        java.net.DatagramSocket hostUdp = topology.inLb(() -> new java.net.DatagramSocket(port));
        try {
            topology.inLb(() -> List.of(tcp, udp, tcp6).forEach(dataplane::program));
            assertEquals("refused", topology.connectOutcome(LbTopology.VIP, port), "TCP: a reset, not a timeout");
            assertEquals("refused", topology.udpOutcome(LbTopology.VIP, port), "UDP: ICMP port unreachable");
            assertEquals("refused", topology.connectOutcome(LbTopology.VIP6, port), "IPv6 TCP: a reset");

            topology.inLb(() -> dataplane.program(new VirtualService(tcp.key(), Scheduler.RR,
                    List.of(new RealServer(LbTopology.backendAddress(1), 80, 1)))));
            assertEquals("be1", topology.connectOutcome(LbTopology.VIP, port),
                    "a backend back in service takes the next connection");
        } finally {
            hostListener.close();
            hostUdp.close();
            topology.inLb(() -> List.of(tcp, udp, tcp6).forEach(s -> dataplane.unprogram(s.key())));
        }
    }

    /**
     * Fault: the table deleted behind Vippy's back. The periodic counter read (the metrics refresh) notices, puts
     * every service back as programmed, and counts the repair; traffic flows again without any API call.
     */
    @Test
    void aTableDeletedBehindVippysBackComesBackWithTheNextCounterRead() {
        VirtualService service = new VirtualService(new ServiceKey(LbTopology.VIP, Protocol.TCP, 87), Scheduler.RR,
                List.of(new RealServer(LbTopology.backendAddress(1), 80, 1)));
        var meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        io.micrometer.core.instrument.Metrics.addRegistry(meters);
        topology.inLb(() -> dataplane.program(service));
        try {
            assertEquals("be1", topology.connectOutcome(LbTopology.VIP, 87));
            double repairsBefore = repairs();
            topology.lb.exec("nft", "delete", "table", "ip", "vippy").orThrow();
            assertNotEquals("be1", topology.connectOutcome(LbTopology.VIP, 87), "without the table, no backend");

            topology.inLb(() -> dataplane.counters());
            assertEquals(1, repairs() - repairsBefore, "the repair is counted");
            assertEquals("be1", topology.connectOutcome(LbTopology.VIP, 87), "the service is back");
            topology.inLb(() -> dataplane.counters());
            assertEquals(1, repairs() - repairsBefore, "an intact table is left alone");
        } finally {
            topology.inLb(() -> dataplane.unprogram(service.key()));
            io.micrometer.core.instrument.Metrics.removeRegistry(meters);
        }
    }

    private static double repairs() {
        var counter = io.micrometer.core.instrument.Metrics.globalRegistry.find("vippy.dataplane.repairs").counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void udpReachesEveryBackend() {
        VirtualService service = service(85, Protocol.UDP, Scheduler.RR, i -> 1, 1, 2);
        topology.inLb(() -> dataplane.program(service));
        try {
            Map<String, Integer> hits = tally(40, () -> topology.udpRequest(85));
            // Round robin's counter is per selector chain, shared with any other two-backend service of the
            // table, so the split is even within the 10%, not exact.
            assertEquals(40, hits.values().stream().mapToInt(Integer::intValue).sum(), "every datagram answered");
            assertEquals(Set.of("be1", "be2"), hits.keySet(), "each datagram from a new socket is a new flow");
            hits.forEach((backend, count) -> assertTrue(count >= 18 && count <= 22, backend + " got " + count + " of 40"));
        } finally {
            topology.inLb(() -> dataplane.unprogram(service.key()));
        }
    }

    @Test
    void drainingKeepsEstablishedConnectionsAndSendsNewOnesElsewhere() throws Exception {
        VirtualService both = service(84, Protocol.TCP, Scheduler.RR, i -> 1, 1, 2);
        topology.inLb(() -> dataplane.program(both));
        try (EchoConnection session = topology.connect(84)) {
            int drained = Integer.parseInt(session.backend.substring(2));
            VirtualService draining = service(84, Protocol.TCP, Scheduler.RR, i -> i == drained ? 0 : 1, 1, 2);
            topology.inLb(() -> dataplane.program(draining));
            Map<String, Integer> hits = tally(20, () -> topology.request(84));
            assertEquals(Map.of("be" + (3 - drained), 20), hits, "new connections avoid the drained backend");
            assertEquals(session.backend + " still here", session.echo("still here"),
                    "the established connection to the drained backend keeps working");
        } finally {
            topology.inLb(() -> dataplane.unprogram(both.key()));
        }
    }

    @Test
    void aRestartedDataplaneAdoptsTheKernelStateWithoutChangingIt() throws Exception {
        VirtualService web = service(86, Protocol.TCP, Scheduler.MH, i -> 1, 1, 2, 3);
        VirtualService dns = service(86, Protocol.UDP, Scheduler.WRR, i -> i, 1, 2);
        topology.inLb(() -> dataplane.sync(List.of(web, dns)));
        // As a restart does: the old process's dataplane is gone before the new one starts.
        topology.inLb(dataplane::close);
        NftablesDataplane restarted = new NftablesDataplane();
        try (EchoConnection session = topology.connect(86)) {
            String before = listTable();
            topology.inLb(() -> restarted.sync(List.of(web, dns)));
            assertEquals(before, listTable(), "sync with the same desired state changes nothing");
            assertEquals(session.backend + " ping", session.echo("ping"), "the established connection survives");

            topology.inLb(() -> restarted.sync(List.of(web)));
            String after = listTable();
            assertTrue(after.contains("203.0.113.10 . tcp . 86") && !after.contains("203.0.113.10 . udp . 86"),
                    "sync removes the service that is no longer desired:\n" + after);
            String answer = topology.request(86);
            assertTrue(answer != null && answer.matches("be[123]"), "the kept service still answers: " + answer);
        } finally {
            topology.inLb(() -> restarted.sync(List.of()));
            topology.inLb(restarted::close);
            topology.inLb(() -> dataplane.sync(List.of()));
        }
    }

    @Test
    void ipv6ServicesLiveInTheIp6TableAndCarryTcpAndUdp() {
        List<RealServer> reals = List.of(new RealServer(LbTopology.backendAddress6(1), 80, 1),
                new RealServer(LbTopology.backendAddress6(2), 80, 1));
        VirtualService tcp = new VirtualService(new ServiceKey(LbTopology.VIP6, Protocol.TCP, 80), Scheduler.RR, reals);
        VirtualService udp = new VirtualService(new ServiceKey(LbTopology.VIP6, Protocol.UDP, 80), Scheduler.MH, reals);
        topology.inLb(() -> dataplane.program(tcp));
        topology.inLb(() -> dataplane.program(udp));
        try {
            Map<String, Integer> hits = tally(20, () -> Futures.await(topology.requestAsync(LbTopology.VIP6, 80, 0)));
            assertEquals(Map.of("be1", 10, "be2", 10), hits, "rr over IPv6");
            String answer = topology.udpRequest(LbTopology.VIP6, 80);
            assertTrue(answer.matches("be[12]"), "UDP over IPv6 answered by " + answer);
            String table = topology.lb.exec("nft", "list", "table", "ip6", "vippy").orThrow();
            assertTrue(table.contains("2001:db8::10 . udp . 80"), table);
        } finally {
            topology.inLb(() -> dataplane.unprogram(tcp.key()));
            topology.inLb(() -> dataplane.unprogram(udp.key()));
        }
    }

    @Test
    void syncRebuildsATableItDoesNotRecogniseRemovesStrayChainsAndLeavesOtherTablesAlone() {
        NftablesDataplane fresh = new NftablesDataplane();
        topology.inLb(() -> dataplane.sync(List.of()));
        topology.lb.sh("nft delete table ip vippy; printf 'add table ip vippy\\nadd chain ip vippy leftover\\n"
                + "add table ip other\\nadd chain ip other keep\\n' | nft -f -").orThrow();
        VirtualService service = service(80, Protocol.TCP, Scheduler.RR, i -> 1, 1, 2);
        try {
            topology.inLb(() -> fresh.sync(List.of(service)));
            String ruleset = topology.lb.exec("nft", "list", "ruleset").orThrow();
            assertTrue(!ruleset.contains("leftover") && ruleset.contains("chain keep"),
                    "vippy rebuilt, the other table untouched:\n" + ruleset);
            assertEquals(Map.of("be1", 5, "be2", 5), tally(10, () -> topology.request(80)));

            topology.lb.exec("nft", "add", "chain", "ip", "vippy", "stray").orThrow();
            topology.inLb(() -> fresh.sync(List.of(service)));
            assertTrue(!listTable().contains("chain stray"), "a stray chain in a complete table is removed");
        } finally {
            topology.inLb(() -> fresh.sync(List.of()));
            topology.inLb(fresh::close);
            topology.lb.exec("nft", "delete", "table", "ip", "other");
        }
    }

    /** Backend per client source port, for 250 fixed source ports. */
    private static Map<Integer, String> flows(int port) {
        Map<Integer, String> flows = new TreeMap<>();
        for (int sourcePort = 40000; sourcePort < 40250; sourcePort++) {
            flows.put(sourcePort, topology.request(port, sourcePort));
        }
        return flows;
    }

    private static String listTable() {
        return topology.lb.exec("nft", "list", "table", "ip", "vippy").orThrow();
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
