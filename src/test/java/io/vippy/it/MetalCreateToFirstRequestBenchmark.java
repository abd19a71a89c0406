package io.vippy.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.vippy.netlink.NetworkNamespace;
import io.vippy.testing.RootOnly;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Create to first successful client request on the Metal rig: from just before {@code POST /loadbalancer}
 * (then three {@code POST .../backend}) until a GET from the client namespace, through the route the ToR's
 * BIRD learned, answers 200. Also when the API first shows ACTIVE, and, for scale, one request to a load
 * balancer that is already up. Not part of the test suite (the name does not end in IT); bench/e2e/run.sh
 * runs it.
 */
class MetalCreateToFirstRequestBenchmark {
    private static final int ROUNDS = Integer.getInteger("e2e.bench.rounds", 10);
    private static final int PORT = 80;
    private static final long PROBE_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(20);

    @Test
    void createToFirstRequest() throws Exception {
        RootOnly.assumeRoot();
        ExecutorService inClient = null;
        try (MetalRig rig = MetalRig.up()) {
            rig.startVippy();
            RigClient client = new RigClient(rig);
            client.awaitSessions();
            inClient = Executors.newSingleThreadExecutor(NetworkNamespace.named(rig.namespace("client")).threadFactory("probe"));
            List<Long> firstRequest = new ArrayList<>();
            List<Long> active = new ArrayList<>();
            List<Long> steady = new ArrayList<>();
            // Round 0 is the first create after start-up (cold: what start-up did not warm up shows here), reported
            // on its own rows; the counted rounds after it are warm.
            long[] cold = round(rig, client, inClient, steady, false);
            for (int round = 1; round <= ROUNDS; round++) {
                long[] times = round(rig, client, inClient, steady, true);
                active.add(times[0]);
                firstRequest.add(times[1]);
            }
            System.out.println("E2E-BENCH create to first request, " + ROUNDS + " rounds, milliseconds\n"
                    + "| measure | median | min | max |\n|---|---|---|---|\n"
                    + row("first create after start-up (round 0, cold): to ACTIVE in the API", List.of(cold[0]))
                    + row("first create after start-up (round 0, cold): to first successful client request",
                            List.of(cold[1]))
                    + row("create to ACTIVE in the API", active)
                    + row("create to first successful client request", firstRequest)
                    + row("one client request, load balancer already up", steady));
        } finally {
            if (inClient != null) {
                inClient.shutdownNow();
            }
        }
    }

    /** One create-to-first-request; returns {ms to ACTIVE, ms to first request}, then deletes again. */
    private static long[] round(MetalRig rig, RigClient client, ExecutorService inClient, List<Long> steady, boolean counted)
            throws Exception {
        long start = System.nanoTime();
        String uuid = client.createWithBackends(PORT);
        Future<Long> first = null;
        long active = -1;
        while (active < 0 && System.nanoTime() - start < PROBE_LIMIT_NANOS) {
            JsonNode lb = client.loadBalancer(uuid);
            String eip = lb.get("eip").asText();
            if (first == null && !eip.isEmpty()) {
                first = inClient.submit(() -> probeUntilAnswered(eip));
            }
            if ("ACTIVE".equals(lb.get("status").asText())) {
                active = System.nanoTime() - start;
            } else {
                Thread.sleep(10);
            }
        }
        if (first == null || active < 0) {
            throw new AssertionError("not ACTIVE within 20 s: " + client.loadBalancer(uuid) + "\n" + rig.vippyLog());
        }
        long answered = first.get(30, TimeUnit.SECONDS) - start;
        String eip = client.loadBalancer(uuid).get("eip").asText();
        if (counted) {
            long before = System.nanoTime();
            inClient.submit(() -> get(eip)).get(10, TimeUnit.SECONDS);
            steady.add(System.nanoTime() - before);
        }
        int deleted = rig.vippy().send("DELETE", "/loadbalancer/" + uuid, null).statusCode();
        if (deleted != 202 && deleted != 204) {
            throw new AssertionError("DELETE answered " + deleted);
        }
        client.awaitGone(uuid);
        client.awaitTorRoutes(eip, 0);
        return new long[] {active, answered};
    }

    /** Runs in the client namespace: GET /whoami until one answers 200; returns System.nanoTime() then. */
    private static long probeUntilAnswered(String eip) throws InterruptedException {
        long deadline = System.nanoTime() + PROBE_LIMIT_NANOS;
        while (System.nanoTime() < deadline) {
            if (get(eip)) {
                return System.nanoTime();
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no answer from " + eip + " within 20 s");
    }

    /** One HTTP/1.0 GET on a new connection, at most 500 ms; whether it answered 200. */
    private static boolean get(String eip) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(eip, PORT), 500);
            socket.setSoTimeout(500);
            OutputStream out = socket.getOutputStream();
            out.write("GET /whoami HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).startsWith("HTTP/1.0 200");
        } catch (IOException e) {
            return false; // no route yet (ICMP unreachable from the ToR), or not programmed yet
        }
    }

    private static String row(String measure, List<Long> nanos) {
        List<Long> millis = new ArrayList<>(nanos.stream().map(n -> Duration.ofNanos(n).toMillis()).toList());
        Collections.sort(millis);
        return "| " + measure + " | " + millis.get(millis.size() / 2) + " | " + millis.get(0) + " | "
                + millis.get(millis.size() - 1) + " |\n";
    }
}
