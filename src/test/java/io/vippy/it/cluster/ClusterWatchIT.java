package io.vippy.it.cluster;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.vippy.api.grpc.v1.LoadBalancerEvent;
import io.vippy.api.grpc.v1.LoadBalancerServiceGrpc;
import io.vippy.api.grpc.v1.WatchLoadBalancersRequest;
import io.vippy.testing.RootOnly;
import io.vippy.testing.VippyTestEnvironment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * gRPC WatchLoadBalancers on node 3 of a cluster carries, in order, the changes made on nodes 1 and 2, and a
 * watch resumed from a revision it has seen gets the changes made while it was away.
 */
class ClusterWatchIT {
    private ClusterRig rig;

    @BeforeEach
    void setUp() {
        RootOnly.assumeRoot();
        rig = ClusterRig.up(ClusterRig.Options.cluster(3));
    }

    @AfterEach
    void tearDown() {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void aWatchOnNodeThreeSeesChangesFromNodesOneAndTwoInOrderAndResumesWhereItLeft() {
        long lastSeen;
        String a;
        String b;
        try (Watch live = new Watch(null)) {
            live.await("SNAPSHOT_END", e -> e.getType() == LoadBalancerEvent.Type.SNAPSHOT_END);
            a = create(1, "a", 81);
            b = create(2, "b", 82);
            rig.expect(2, 201, "POST", "/loadbalancer/" + a + "/backend", "{\"ip\":\"10.80.0.21\",\"port\":7000}");
            live.await("a's backend", e -> e.getLoadBalancer().getUuid().equals(a)
                    && e.getLoadBalancer().getBackendsCount() == 1);
            List<LoadBalancerEvent> events = live.events();
            assertInOrder(events, List.of(upserted(a), upserted(b), withBackend(a)));
            assertRevisionsNeverDecrease(events);
            lastSeen = events.get(events.size() - 1).getRevision();
        }
        // Away: changes on both nodes.
        int deleted = rig.node(1).send("DELETE", "/loadbalancer/" + b, null).statusCode();
        assertTrue(deleted == 202 || deleted == 204, "DELETE answered " + deleted);
        String c = create(2, "c", 83);

        try (Watch resumed = new Watch(lastSeen)) {
            resumed.await("c created", upserted(c));
            List<LoadBalancerEvent> events = resumed.events();
            assertTrue(events.stream().noneMatch(e -> e.getType() == LoadBalancerEvent.Type.SNAPSHOT
                    || e.getType() == LoadBalancerEvent.Type.RESYNC), "a resumed watch gets changes, not a snapshot: "
                    + events);
            assertTrue(events.stream().allMatch(e -> e.getRevision() >= lastSeen), "nothing from before " + lastSeen);
            assertInOrder(events, List.of(deleting(b), upserted(c)));
            assertRevisionsNeverDecrease(events);
            System.out.printf("cluster watch: node 3 saw %d changes from nodes 1 and 2 in order; resumed from revision"
                    + " %d it got the %d it missed%n", 3, lastSeen, events.size());
        }
    }

    private String create(int node, String name, int port) {
        return rig.expect(node, 201, "POST", "/loadbalancer", "{\"name\":\"" + name + "\",\"port\":" + port + "}")
                .get("uuid").asText();
    }

    private static Predicate<LoadBalancerEvent> upserted(String uuid) {
        return e -> e.getType() == LoadBalancerEvent.Type.UPSERTED && e.getLoadBalancer().getUuid().equals(uuid);
    }

    private static Predicate<LoadBalancerEvent> withBackend(String uuid) {
        return e -> upserted(uuid).test(e) && e.getLoadBalancer().getBackendsCount() == 1;
    }

    /** DELETE answers 202 and marks the load balancer DELETING; the DELETED event follows once it is torn down. */
    private static Predicate<LoadBalancerEvent> deleting(String uuid) {
        return e -> e.getLoadBalancer().getUuid().equals(uuid) && (e.getType() == LoadBalancerEvent.Type.DELETED
                || e.getLoadBalancer().getStatus() == io.vippy.api.grpc.v1.Status.DELETING);
    }

    /** Each expectation's first match comes after the previous one's. */
    private static void assertInOrder(List<LoadBalancerEvent> events, List<Predicate<LoadBalancerEvent>> expected) {
        int from = 0;
        for (int i = 0; i < expected.size(); i++) {
            int at = -1;
            for (int j = from; j < events.size(); j++) {
                if (expected.get(i).test(events.get(j))) {
                    at = j;
                    break;
                }
            }
            assertTrue(at >= 0, "change " + (i + 1) + " of " + expected.size() + " missing or out of order in " + events);
            from = at + 1;
        }
    }

    private static void assertRevisionsNeverDecrease(List<LoadBalancerEvent> events) {
        for (int i = 1; i < events.size(); i++) {
            assertTrue(events.get(i).getRevision() >= events.get(i - 1).getRevision(),
                    "revision went back at event " + i + ": " + events);
        }
    }

    /** A WatchLoadBalancers stream on node 3, read by a thread of its own; closing cancels it. */
    private final class Watch implements AutoCloseable {
        private final ManagedChannel channel;
        private final List<LoadBalancerEvent> events = new ArrayList<>();
        private final Thread reader;

        Watch(Long fromRevision) {
            channel = ManagedChannelBuilder.forAddress("127.0.0.1", rig.node(3).uri("").getPort()).usePlaintext().build();
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
                    "Bearer " + VippyTestEnvironment.TOKEN);
            WatchLoadBalancersRequest.Builder request = WatchLoadBalancersRequest.newBuilder();
            if (fromRevision != null) {
                request.setFromRevision(fromRevision);
            }
            Iterator<LoadBalancerEvent> stream = LoadBalancerServiceGrpc.newBlockingStub(channel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                    .withDeadlineAfter(60, TimeUnit.SECONDS)
                    .watchLoadBalancers(request.build());
            reader = new Thread(() -> {
                try {
                    while (stream.hasNext()) {
                        LoadBalancerEvent event = stream.next();
                        synchronized (events) {
                            events.add(event);
                        }
                    }
                } catch (StatusRuntimeException e) {
                    // cancelled by close(), or the deadline
                }
            }, "watch-node3");
            reader.setDaemon(true);
            reader.start();
        }

        List<LoadBalancerEvent> events() {
            synchronized (events) {
                return List.copyOf(events);
            }
        }

        void await(String what, Predicate<LoadBalancerEvent> condition) {
            ClusterRig.await("the watch on node 3 shows " + what, Duration.ofSeconds(10),
                    () -> events().stream().anyMatch(condition), () -> events() + "\n" + rig.diagnostics());
        }

        @Override
        public void close() {
            channel.shutdownNow();
            try {
                channel.awaitTermination(5, TimeUnit.SECONDS);
                reader.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
