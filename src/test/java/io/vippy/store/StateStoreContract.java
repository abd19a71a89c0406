package io.vippy.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vippy.core.IdempotencyClaim;
import io.vippy.core.IdempotencyKey;
import io.vippy.core.IdempotencyRecords;
import io.vippy.core.StateStore;
import io.vippy.core.StoreChange;
import io.vippy.core.StoreConflictException;
import io.vippy.core.StoreListener;
import io.vippy.core.StoreSnapshot;
import io.vippy.core.StoredLoadBalancer;
import io.vippy.core.model.Backend;
import io.vippy.core.model.BackendHealth;
import io.vippy.core.model.HealthCheckSpec;
import io.vippy.core.model.IpFamily;
import io.vippy.core.model.LoadBalancer;
import io.vippy.core.model.LoadBalancerStatus;
import io.vippy.core.model.Protocol;
import io.vippy.core.model.Scheduler;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every {@link StateStore} promises, run against each of them (SQLite, etcd): durable state round trips,
 * writes compare revisions so racing writers never lose an update, the change stream carries every write in
 * revision order, and an idempotency key holds its first claim, for its TTL, whoever races.
 */
public abstract class StateStoreContract {
    protected static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();
    protected static final LoadBalancerDocument DOCUMENTS = new LoadBalancerDocument(JSON);
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(5);

    /** A store over empty storage of its own for this test. */
    protected abstract StateStore open();

    /** A new store over the same storage as the last {@link #open}, as after a restart. */
    protected abstract StateStore reopen();

    protected static LoadBalancer sample(String name) throws Exception {
        Backend backend = new Backend(UUID.randomUUID(), InetAddress.getByName("2001:db8::25"), 6443, 3,
                BackendHealth.HEALTHY);
        return new LoadBalancer(UUID.randomUUID(), name, 6443, Protocol.UDP, Scheduler.MH, IpFamily.IPV6,
                new HealthCheckSpec(HealthCheckSpec.Type.HTTP, "/healthz", 500, 200, 1, 2),
                InetAddress.getByName("2001:db8:ffff::1"), List.of(backend), LoadBalancerStatus.ACTIVE, "up");
    }

    private static LoadBalancer pending(String name) {
        return new LoadBalancer(UUID.randomUUID(), name, 80, Protocol.TCP, Scheduler.RR, IpFamily.IPV4,
                HealthCheckSpec.DEFAULT, null, List.of(), LoadBalancerStatus.PENDING, "");
    }

    @Test
    void theDurableStateOfWhatIsPutSurvivesReopening() throws Exception {
        LoadBalancer lb = sample("test loadbalancer");
        LoadBalancer waiting = pending("pending");
        StateStore store = open();
        long first = store.put(lb, 0, false);
        long second = store.put(waiting, 0, false);
        assertTrue(second > first, "revisions grow: " + first + ", " + second);
        StoreSnapshot snapshot = reopen().load();
        assertEquals(List.of(lb.durableState(), waiting), snapshot.loadBalancers().stream()
                .map(StoredLoadBalancer::loadBalancer).toList(), "in creation order, status and health not stored");
        assertEquals(List.of(first, second), snapshot.loadBalancers().stream().map(StoredLoadBalancer::revision).toList());
        assertTrue(snapshot.revision() >= second);
    }

    @Test
    void aWriteThatComparesAnOldRevisionIsRefused() throws Exception {
        LoadBalancer lb = sample("contested");
        StateStore store = open();
        long created = store.put(lb, 0, false);
        assertThrows(StoreConflictException.class, () -> store.put(lb, 0, false), "it exists already");
        long changed = store.put(lb.withStatus(LoadBalancerStatus.DELETING, ""), created, false);
        assertThrows(StoreConflictException.class, () -> store.put(lb, created, false), "another write came first");
        assertThrows(StoreConflictException.class, () -> store.delete(lb.uuid(), created, false));
        store.delete(lb.uuid(), changed, false);
        assertEquals(List.of(), store.load().loadBalancers());
        assertThrows(StoreConflictException.class, () -> store.delete(lb.uuid(), changed, false), "gone already");
    }

    @Test
    void racingWritersNeverLoseAnUpdate() throws Exception {
        LoadBalancer lb = pending("raced");
        StateStore store = open();
        store.put(lb, 0, false);
        int writers = 4;
        int each = 10;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<Integer>> conflicts = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            conflicts.add(pool.submit(() -> {
                int lost = 0;
                for (int i = 0; i < each; i++) {
                    Backend backend = new Backend(UUID.randomUUID(), InetAddress.getByName("10.0." + writer + "." + (i + 1)),
                            80, 1, BackendHealth.UNKNOWN);
                    for (int attempt = 0; ; attempt++) {
                        StoredLoadBalancer now = store.load().loadBalancers().get(0);
                        try {
                            store.put(now.loadBalancer().withBackendAdded(backend), now.revision(), false);
                            break;
                        } catch (StoreConflictException e) {
                            lost++;
                            if (attempt > 200) {
                                throw e;
                            }
                        }
                    }
                }
                return lost;
            }));
        }
        int lostRaces = 0;
        for (Future<Integer> f : conflicts) {
            lostRaces += f.get();
        }
        pool.shutdown();
        assertEquals(writers * each, store.load().loadBalancers().get(0).loadBalancer().backends().size(),
                "every backend added, although " + lostRaces + " writes lost a race and were made again");
    }

    protected static final IdempotencyKey KEY = new IdempotencyKey("create", "retry-me");

    protected static IdempotencyClaim claimOf(String fingerprint) {
        return IdempotencyClaim.unmade(fingerprint, UUID.randomUUID());
    }

    @Test
    void aClaimMarkedMadeSaysSoAcrossReopeningAndMarkingAgainChangesNothing() {
        IdempotencyClaim first = claimOf("a");
        Instant now = Instant.now();
        StateStore store = open();
        store.claim(KEY, first, now);
        store.markMade(KEY, now.plusSeconds(1));
        IdempotencyClaim made = new IdempotencyClaim("a", first.uuid(), true);
        assertEquals(made, reopen().claim(KEY, claimOf("a"), now.plusSeconds(2)), "a retry learns it was made");
        reopen().markMade(KEY, now.plusSeconds(3));
        assertEquals(made, reopen().claim(KEY, claimOf("b"), now.plusSeconds(4)));
    }

    @Test
    void markingAnExpiredOrUnknownKeyMakesNoClaim() {
        StateStore store = open();
        Instant now = Instant.now();
        store.markMade(new IdempotencyKey("create", "never claimed"), now);
        store.claim(KEY, claimOf("old"), now.minus(IdempotencyRecords.TTL).minusSeconds(1));
        store.markMade(KEY, now);
        IdempotencyClaim fresh = claimOf("fresh");
        assertEquals(fresh, store.claim(KEY, fresh, now), "the expired claim was not revived by the mark");
        assertEquals(fresh, store.claim(new IdempotencyKey("create", "never claimed"), fresh, now));
    }

    @Test
    void theFirstClaimOfAnIdempotencyKeyHoldsAcrossReopening() {
        IdempotencyClaim first = claimOf("a");
        Instant now = Instant.now();
        assertEquals(first, open().claim(KEY, first, now));
        assertEquals(first, reopen().claim(KEY, claimOf("a"), now.plusSeconds(1)), "a retry gets the first uuid");
        assertEquals(first, reopen().claim(KEY, claimOf("b"), now.plusSeconds(2)), "another request sees the first one");
    }

    @Test
    void theSameKeyStringForAnotherOperationIsAnotherKey() {
        StateStore store = open();
        IdempotencyClaim create = claimOf("a");
        IdempotencyClaim backend = claimOf("b");
        assertEquals(create, store.claim(KEY, create, Instant.now()));
        assertEquals(backend, store.claim(new IdempotencyKey("add-backend " + UUID.randomUUID(), KEY.key()), backend,
                Instant.now()));
    }

    @Test
    void aClaimExpiresAfterTheTtlAndNotBefore() {
        StateStore store = open();
        Instant now = Instant.now();
        IdempotencyClaim old = claimOf("old");
        IdempotencyClaim recent = claimOf("recent");
        IdempotencyKey recentKey = new IdempotencyKey("create", "recent");
        store.claim(KEY, old, now.minus(IdempotencyRecords.TTL).minusSeconds(1));
        store.claim(recentKey, recent, now.minus(IdempotencyRecords.TTL).plusSeconds(60));
        IdempotencyClaim fresh = claimOf("fresh");
        assertEquals(fresh, store.claim(KEY, fresh, now), "expired: the key is free again");
        assertEquals(fresh, store.claim(KEY, claimOf("other"), now), "and the new claim holds");
        assertEquals(recent, store.claim(recentKey, claimOf("other"), now), "a minute short of the TTL: still held");
    }

    @Test
    void racingClaimsOfOneKeyAgreeOnOne() throws Exception {
        StateStore store = open();
        int racers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        List<IdempotencyClaim> wanted = new ArrayList<>();
        List<Future<IdempotencyClaim>> held = new ArrayList<>();
        for (int i = 0; i < racers; i++) {
            IdempotencyClaim claim = claimOf("same request");
            wanted.add(claim);
            held.add(pool.submit(() -> store.claim(KEY, claim, Instant.now())));
        }
        Set<IdempotencyClaim> answers = new HashSet<>();
        for (Future<IdempotencyClaim> answer : held) {
            answers.add(answer.get(DELIVERY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        }
        pool.shutdown();
        assertEquals(1, answers.size(), "every racer got the same claim: " + answers);
        assertTrue(wanted.containsAll(answers));
    }

    @Test
    void theChangeStreamCarriesEveryWriteInRevisionOrder() throws Exception {
        StateStore store = open();
        LoadBalancer before = pending("before");
        long start = store.put(before, 0, false);
        List<StoreChange> seen = new CopyOnWriteArrayList<>();
        store.watch(start, new StoreListener() {
            @Override
            public void changed(StoreChange change) {
                seen.add(change);
            }

            @Override
            public void reset(StoreSnapshot snapshot) {
                throw new AssertionError("nothing was compacted");
            }
        });
        LoadBalancer lb = sample("watched");
        long created = store.put(lb, 0, false);
        long changed = store.put(lb.withBackends(List.of()), created, false);
        long deleted = store.delete(before.uuid(), start, false);
        long deadline = System.nanoTime() + DELIVERY_TIMEOUT.toNanos();
        while (seen.size() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(List.of(new StoreChange(lb.uuid(), lb.durableState(), created),
                new StoreChange(lb.uuid(), lb.withBackends(List.of()).durableState(), changed),
                new StoreChange(before.uuid(), null, deleted)), seen);
    }
}
