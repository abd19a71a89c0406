package io.vippy.dataplane.ipvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vippy.testing.RootOnly;
import io.vippy.testing.UmlGuest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * IPVS against a real kernel: this machine's kernel has none, so the test boots user-mode Linux (which
 * has it, see src/test/uml/), runs {@link IpvsGuestScenarios} there with this JVM's class path, and checks
 * the {@code ipvsadm -ln} output the guest saved after each step.
 */
class IpvsDataplaneUmlTest {
    private static final Duration GUEST_TIMEOUT = Duration.ofSeconds(240);
    private static UmlGuest guest;
    private static String guestOutput;

    @BeforeAll
    static void runGuest() {
        RootOnly.assumeRoot();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        guest = UmlGuest.run("uml-ipvs-", String.join(" ", java, "-Xmx128m", "-XX:TieredStopAtLevel=1",
                "-Xshare:auto", "-cp", "'" + System.getProperty("java.class.path") + "'",
                IpvsGuestScenarios.class.getName(), ".") + " > guest.log 2>&1\n", GUEST_TIMEOUT, "512M");
        guestOutput = guest.output();
    }

    @Test
    void theGuestKernelHasIpvs() {
        assertEquals(List.of(), services("available"), "kernelHasIpvs() held and IPVS started empty");
    }

    @Test
    void programsTheWalkthroughService() {
        assertEquals(List.of(
                "TCP 145.40.96.223:6443 rr",
                "-> 10.80.96.25:6443 Masq 1 0 0"), services("walkthrough"));
        assertEquals(services("walkthrough"), services("again"), "programming it again changes nothing");
    }

    @Test
    void updatesWeightsSchedulerAndRealServers() {
        assertEquals(List.of(
                "TCP 145.40.96.223:6443 rr",
                "-> 10.80.96.25:6443 Masq 5 0 0",
                "-> 10.80.96.26:6443 Masq 2 0 0"), services("weight"));
        assertEquals(List.of(
                "TCP 145.40.96.223:6443 wlc",
                "-> 10.80.96.25:6443 Masq 5 0 0",
                "-> 10.80.96.26:6443 Masq 2 0 0"), services("scheduler"));
        assertEquals(List.of(
                "TCP 145.40.96.223:6443 wlc",
                "-> 10.80.96.26:6443 Masq 0 0 0"), services("remove-real"));
        assertEquals(List.of(), services("unprogram"), "unprogram, twice, leaves nothing");
    }

    @Test
    void programsEverySchedulerVippyOffers() {
        assertEquals(List.of(
                "TCP 198.51.100.1:8001 rr",
                "-> 10.0.0.1:8001 Masq 1 0 0",
                "TCP 198.51.100.1:8002 wrr",
                "-> 10.0.0.1:8002 Masq 1 0 0",
                "TCP 198.51.100.1:8003 mh",
                "-> 10.0.0.1:8003 Masq 1 0 0",
                "TCP 198.51.100.1:8004 lc",
                "-> 10.0.0.1:8004 Masq 1 0 0",
                "TCP 198.51.100.1:8005 wlc",
                "-> 10.0.0.1:8005 Masq 1 0 0",
                "TCP 198.51.100.1:8006 sh",
                "-> 10.0.0.1:8006 Masq 1 0 0"), services("schedulers"));
        assertEquals(List.of(), services("schedulers-removed"));
    }

    @Test
    void programsIpv6() {
        assertEquals(List.of(
                "TCP [2001:db8::10]:443 mh",
                "-> [2001:db8:1::2]:443 Masq 3 0 0"), services("ipv6"));
        assertEquals(List.of(), services("ipv6-removed"));
    }

    @Test
    void syncAdoptsMatchingStateFixesDifferencesAndRemovesOnlyItsOwn() {
        List<String> before = services("adoption-before");
        assertTrue(before.contains("TCP 203.0.113.22:80 rr") && before.contains("FWM 5 rr"), String.join("\n", before));
        assertEquals(List.of(
                "FWM 5 rr",
                "TCP 192.0.2.50:80 rr",
                "TCP 203.0.113.20:80 rr",
                "-> 10.1.0.1:80 Masq 1 0 0",
                "-> 10.1.0.2:80 Masq 1 1 0", // rr's first pick, holding the connection made before sync
                "TCP 203.0.113.21:80 rr",
                "-> 10.2.0.1:80 Masq 2 0 0",
                "-> 10.2.0.2:80 Masq 1 0 0",
                "TCP 203.0.113.23:80 sh",
                "-> 10.3.0.1:80 Masq 1 0 0"), services("adoption"));
        assertEquals("7", read("adoption-changes.txt"), "B: set service, set + new + delete dest; C: delete; "
                + "the new sh service: new service + new dest; A, D and E: nothing");
        assertTrue(stats("counters").contains("TCP 203.0.113.20:80 1 "),
                "the matching service kept its connection count, so it was not re-created:\n" + stats("counters"));
    }

    @Test
    void countsConnectionsPerService() {
        String counters = read("counters.txt");
        assertTrue(counters.contains("tcp 203.0.113.20:80 connections 1 reals 2"), counters);
        assertTrue(counters.contains("tcp 203.0.113.23:80 connections 0 reals 1"), counters);
    }

    @Test
    void forwardsRealTrafficRoundRobinAndDrainsAtWeightZero() {
        services("traffic-topology");
        assertEquals(List.of(
                "TCP 203.0.113.30:80 rr",
                "-> 10.20.1.11:8080 Masq 1 0 5",
                "-> 10.20.2.11:8080 Masq 1 0 5"), block(services("traffic-rr"), "TCP 203.0.113.30:80 rr"));
        List<String> answers = read("traffic-rr.txt").lines().toList();
        assertEquals(10, answers.size(), String.join("\n", answers));
        assertEquals(5, answers.stream().filter("be1"::equals).count(), String.join("\n", answers));
        assertEquals(5, answers.stream().filter("be2"::equals).count(), String.join("\n", answers));
        services("traffic-drain");
        assertEquals(List.of("be1", "be1", "be1", "be1", "be1", "be1"), read("traffic-drain.txt").lines().toList(),
                "weight 0 takes no new connections");
        String counters = read("traffic-counters.txt");
        assertTrue(counters.startsWith("total Traffic[connections=16, "), counters);
        assertTrue(counters.contains("10.20.1.11 Traffic[connections=11, "), counters);
        assertTrue(counters.contains("10.20.2.11 Traffic[connections=5, "), counters);
    }

    @Test
    void aSchedulerTheKernelCannotLoadIsAPermanentFailureNamingIt() {
        services("missing-scheduler");
        String message = read("missing-scheduler.txt");
        assertTrue(message.startsWith("The kernel has no IPVS scheduler \"sh\" (module ip_vs_sh)"), message);
        assertTrue(message.contains("ENOENT"), message);
    }

    @Test
    void programsAHundredServicesAndSyncsThemWithoutChange() {
        assertTrue(services("timing").stream().noneMatch(line -> line.startsWith("TCP 198.18.")),
                "all 100 were removed again");
        String timing = read("timing.txt");
        assertTrue(timing.contains("program 100 new: ") && timing.contains(" ms, 300 changes"), timing);
        assertTrue(timing.contains("changes when unchanged: 0"), timing);
        System.out.println("IPVS timings inside UML (one slow CPU):\n" + timing);
    }

    /** One service's lines (its header and its real servers) out of {@link #services}. */
    private static List<String> block(List<String> services, String header) {
        int start = services.indexOf(header);
        assertTrue(start >= 0, header + " missing:\n" + String.join("\n", services));
        int end = start + 1;
        while (end < services.size() && services.get(end).startsWith("-> ")) {
            end++;
        }
        return services.subList(start, end);
    }

    /** The step's services as normalized lines, services sorted, each followed by its sorted real servers. */
    private static List<String> services(String step) {
        String error = read(step + ".error");
        if (!error.isEmpty()) {
            fail("step " + step + " threw in the guest:\n" + error + "\n" + guestOutput);
        }
        String table = read(step + ".ipvsadm").split("--- stats\n")[0];
        List<List<String>> blocks = new ArrayList<>();
        table.lines().map(line -> line.strip().replaceAll("\\s+", " "))
                .filter(line -> line.startsWith("TCP ") || line.startsWith("UDP ") || line.startsWith("FWM ")
                        || line.startsWith("-> ") && !line.startsWith("-> RemoteAddress"))
                .forEach(line -> {
                    if (line.startsWith("-> ")) {
                        blocks.get(blocks.size() - 1).add(line);
                    } else {
                        blocks.add(new ArrayList<>(List.of(line)));
                    }
                });
        blocks.forEach(block -> block.subList(1, block.size()).sort(null));
        blocks.sort((a, b) -> a.get(0).compareTo(b.get(0)));
        return blocks.stream().flatMap(List::stream).toList();
    }

    private static String stats(String step) {
        return Stream.of(read(step + ".ipvsadm").split("--- stats\n")).skip(1).findFirst().orElse("")
                .replaceAll("[ \\t]+", " ");
    }

    private static String read(String file) {
        return guest.read(file);
    }
}
