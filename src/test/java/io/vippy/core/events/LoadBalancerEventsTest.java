package io.vippy.core.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import io.vippy.core.events.LoadBalancerEvent.Type;
import io.vippy.core.model.HealthCheckSpec;
import io.vippy.core.model.IpFamily;
import io.vippy.core.model.LoadBalancer;
import io.vippy.core.model.LoadBalancerStatus;
import io.vippy.core.model.Protocol;
import io.vippy.core.model.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LoadBalancerEventsTest {
    private final Object lock = new Object();
    private final List<LoadBalancer> state = new ArrayList<>();
    private long revision;

    private static LoadBalancer lb(String name) {
        return new LoadBalancer(UUID.randomUUID(), name, 80, Protocol.TCP, Scheduler.RR, IpFamily.IPV4,
                HealthCheckSpec.DEFAULT, null, List.of(), LoadBalancerStatus.PENDING, "");
    }

    private void change(LoadBalancerEvents events, LoadBalancer lb) {
        synchronized (lock) {
            state.add(lb);
            events.publish(Type.UPSERTED, lb, ++revision);
        }
    }

    private io.smallrye.mutiny.Multi<LoadBalancerEvent> watch(LoadBalancerEvents events) {
        return events.watch(lock, () -> List.copyOf(state), () -> revision, OptionalLong.empty());
    }

    private AssertSubscriber<LoadBalancerEvent> resume(LoadBalancerEvents events, long from) {
        return events.watch(lock, () -> List.copyOf(state), () -> revision, OptionalLong.of(from))
                .subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
    }

    @Test
    void aResumedWatchGetsEveryChangeFromItsRevisionOnThenLiveOnes() {
        LoadBalancerEvents events = new LoadBalancerEvents(100, 0);
        for (int i = 1; i <= 5; i++) {
            change(events, lb("lb-" + i));
        }
        AssertSubscriber<LoadBalancerEvent> resumed = resume(events, 3);
        change(events, lb("lb-6"));
        List<LoadBalancerEvent> got = resumed.awaitItems(4, Duration.ofSeconds(5)).getItems();
        assertEquals(List.of("lb-3", "lb-4", "lb-5", "lb-6"), got.stream().map(e -> e.loadBalancer().name()).toList(),
                "no snapshot: the change at the revision seen (again), the missed ones, then the live one");
        assertEquals(List.of(3L, 4L, 5L, 6L), got.stream().map(LoadBalancerEvent::revision).toList());
        resumed.assertNotTerminated();
    }

    @Test
    void resumingFromARevisionNoLongerHeldIsToldToResync() {
        LoadBalancerEvents events = new LoadBalancerEvents(3, 0);
        for (int i = 1; i <= 10; i++) {
            change(events, lb("lb-" + i));
        }
        AssertSubscriber<LoadBalancerEvent> tooOld = resume(events, 7);
        tooOld.awaitCompletion(Duration.ofSeconds(5));
        assertEquals(List.of(Type.RESYNC), tooOld.getItems().stream().map(LoadBalancerEvent::type).toList(),
                "revisions 8 to 10 are held, 7 is not");
        AssertSubscriber<LoadBalancerEvent> held = resume(events, 8);
        assertEquals(3, held.awaitItems(3, Duration.ofSeconds(5)).getItems().size());
        held.assertNotTerminated();
    }

    @Test
    void snapshotThenEveryChangeInOrderForEachWatcher() throws Exception {
        LoadBalancerEvents events = new LoadBalancerEvents(10_000, 0);
        change(events, lb("before"));
        AssertSubscriber<LoadBalancerEvent> first = watch(events)
                .subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        ExecutorService writers = Executors.newFixedThreadPool(2);
        for (int i = 0; i < 500; i++) {
            int n = i;
            writers.execute(() -> change(events, lb("lb-" + n)));
        }
        // The second watcher joins while changes are being made.
        AssertSubscriber<LoadBalancerEvent> second = watch(events)
                .subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        writers.shutdown();
        writers.awaitTermination(10, TimeUnit.SECONDS);

        List<LoadBalancerEvent> seenByFirst = first.awaitItems(502, Duration.ofSeconds(5)).getItems();
        assertEquals(Type.SNAPSHOT, seenByFirst.get(0).type());
        assertEquals(Type.SNAPSHOT_END, seenByFirst.get(1).type());
        for (int i = 2; i < seenByFirst.size(); i++) {
            assertEquals(seenByFirst.get(i - 1).revision() + 1, seenByFirst.get(i).revision(),
                    "revisions must follow each other without gaps");
        }

        // The second saw a snapshot and then exactly the changes after it: together, every load balancer once.
        List<LoadBalancerEvent> seenBySecond = second.awaitItems(502, Duration.ofSeconds(5)).getItems();
        int snapshot = (int) seenBySecond.stream().takeWhile(e -> e.type() == Type.SNAPSHOT).count();
        assertEquals(Type.SNAPSHOT_END, seenBySecond.get(snapshot).type());
        List<String> names = seenBySecond.stream().filter(e -> e.loadBalancer() != null)
                .map(e -> e.loadBalancer().name()).toList();
        assertEquals(501, names.size());
        assertEquals(501, names.stream().distinct().count());
        List<String> liveOfFirst = seenByFirst.stream().skip(2 + (snapshot - 1)).map(e -> e.loadBalancer().name()).toList();
        assertEquals(liveOfFirst, names.subList(snapshot, names.size()), "both watchers see the same order");
    }

    @Test
    void aWatcherThatFallsBehindIsToldToResyncAndOthersCarryOn() {
        LoadBalancerEvents events = new LoadBalancerEvents(10, 0);
        AssertSubscriber<LoadBalancerEvent> slow = watch(events)
                .subscribe().withSubscriber(AssertSubscriber.create(0));
        AssertSubscriber<LoadBalancerEvent> fast = watch(events)
                .subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        for (int i = 0; i < 20; i++) {
            change(events, lb("lb-" + i));
        }
        fast.awaitItems(21, Duration.ofSeconds(5));
        fast.assertNotTerminated();

        slow.request(Long.MAX_VALUE);
        slow.awaitCompletion(Duration.ofSeconds(5));
        List<LoadBalancerEvent> got = slow.getItems();
        LoadBalancerEvent last = got.get(got.size() - 1);
        assertEquals(Type.RESYNC, last.type());
        assertNull(last.loadBalancer());
        assertEquals(12, got.size(), "SNAPSHOT_END, 10 changes within the allowed lag, then RESYNC");
    }
}
