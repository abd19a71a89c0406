package io.vippy.store.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.ByteSequence;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vippy.core.FencedWriteException;
import io.vippy.core.IdempotencyRecords;
import io.vippy.core.StateStore;
import io.vippy.core.StoreChange;
import io.vippy.core.StoreFullException;
import io.vippy.core.StoreListener;
import io.vippy.core.StoreSnapshot;
import io.vippy.core.StoredLoadBalancer;
import io.vippy.core.model.InvalidConfigException;
import io.vippy.core.model.LoadBalancer;
import io.vippy.store.StateStoreContract;
import io.vippy.store.sqlite.SqliteStateStore;
import io.vippy.testing.EtcdMember;
import io.vippy.testing.EtcdSettings;
import io.vippy.testing.VippyTestEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store contract against a real etcd (one member on loopback), plus what only a shared store has. */
class EtcdStateStoreTest extends StateStoreContract {
    private static EtcdMember etcd;
    private static Path etcdDir;
    private final List<AutoCloseable> opened = new ArrayList<>();
    private String prefix;

    @TempDir
    Path dataDir;

    @BeforeAll
    static void startEtcd() throws Exception {
        etcdDir = Files.createTempDirectory("vippy-etcd-store");
        etcd = EtcdMember.single(etcdDir);
    }

    @AfterAll
    static void stopEtcd() {
        if (etcd != null) {
            etcd.close();
        }
    }

    private EtcdKeyspace keyspace() {
        EtcdKeyspace keyspace = EtcdKeyspace.open(EtcdSettings.of(etcd.clientUrl(), prefix));
        opened.add(keyspace);
        return keyspace;
    }

    private EtcdStateStore store(EtcdKeyspace keyspace) {
        EtcdStateStore store = EtcdStores.open(keyspace, DOCUMENTS, new SimpleMeterRegistry(), dataDir, "node-a");
        opened.add(0, store);
        return store;
    }

    @Override
    protected StateStore open() {
        prefix = "/vippy-test/" + UUID.randomUUID() + "/";
        return reopen();
    }

    @Override
    protected StateStore reopen() {
        return store(keyspace());
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : opened) {
            closeable.close();
        }
    }

    /**
     * etcd at its space quota (alarm NOSPACE) still answers reads but refuses writes: the store answers them with a
     * sentence saying what an operator must do, shows it as unavailable, and takes writes again by itself once the
     * operator has compacted, defragmented and disarmed.
     */
    @Test
    void aFullEtcdRefusesWritesWithWhatToDoAndTakesThemAgainOnceSpaceIsFreed() throws Exception {
        Path smallDir = Files.createTempDirectory("vippy-etcd-full");
        try (EtcdMember small = EtcdMember.single(smallDir, List.of("--quota-backend-bytes", "2000000"))) {
            prefix = "/vippy-test/" + UUID.randomUUID() + "/";
            EtcdKeyspace keyspace = EtcdKeyspace.open(EtcdSettings.of(small.clientUrl(), prefix));
            opened.add(keyspace);
            EtcdStateStore store = store(keyspace);
            LoadBalancer before = sample("before");
            store.watch(store.put(before, 0, false), new StoreListener() {
                @Override
                public void changed(StoreChange change) {
                }

                @Override
                public void reset(StoreSnapshot snapshot) {
                }
            });
            fillUntilFull(keyspace);

            StoreFullException refused = assertThrows(StoreFullException.class, () -> store.put(sample("after"), 0, false));
            assertTrue(refused.getMessage().startsWith("etcd's database is full"), refused.getMessage());
            assertTrue(store.unavailable().orElse("").contains("NOSPACE"), String.valueOf(store.unavailable()));
            assertEquals(List.of(before.uuid()), store.load().loadBalancers().stream().map(s -> s.loadBalancer().uuid())
                    .toList(), "reads still answer, with what was written");

            small.etcdctl("del", "--prefix", "/filler/").orThrow();
            String revision = small.etcdctl("get", "/filler/", "-w", "json").orThrow()
                    .replaceAll("(?s).*\"revision\":(\\d+).*", "$1");
            small.etcdctl("compact", revision).orThrow();
            small.etcdctl("defrag").orThrow();
            small.etcdctl("alarm", "disarm").orThrow();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (store.unavailable().isPresent() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(Optional.empty(), store.unavailable(), "the store takes writes again");
            store.put(sample("after"), 0, false);
        } finally {
            VippyTestEnvironment.deleteRecursively(smallDir);
        }
    }

    /** Puts 1 MB values under /filler/ until etcd raises its NOSPACE alarm (at most 20). */
    private static void fillUntilFull(EtcdKeyspace keyspace) throws Exception {
        ByteSequence megabyte = ByteSequence.from(new byte[1_000_000]);
        for (int i = 0; i < 20; i++) {
            try {
                keyspace.client().getKVClient().put(EtcdKeyspace.bytes("/filler/" + i), megabyte).get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                assertTrue(String.valueOf(e.getCause().getMessage()).contains("database space exceeded"), e.toString());
                return;
            }
        }
        throw new AssertionError("etcd took 20 MB under a 2 MB quota");
    }

    @Test
    void aFencedWriteCommitsOnlyWhileThisNodeHoldsTheLeaderKeyItClaimed() throws Exception {
        open();
        EtcdKeyspace keyspace = keyspace();
        EtcdStateStore store = store(keyspace);
        LoadBalancer lb = sample("fenced");
        assertThrows(FencedWriteException.class, () -> store.put(lb, 0, true), "no claim, no leader write");
        String leaderKey = keyspace.fence().leaderKey();
        etcd.etcdctl("put", leaderKey, "node-a").orThrow();
        long claim = Long.parseLong(etcd.etcdctl("get", leaderKey, "-w", "fields").orThrow().lines()
                .filter(l -> l.startsWith("\"CreateRevision\"")).findFirst().orElseThrow().replaceAll("\\D", ""));
        keyspace.fence().claimed(claim);
        long written = store.put(lb, 0, true);
        // Another node takes the lead: the key is deleted and created again.
        etcd.etcdctl("del", leaderKey).orThrow();
        etcd.etcdctl("put", leaderKey, "node-b").orThrow();
        FencedWriteException refused = assertThrows(FencedWriteException.class, () -> store.put(lb, written, true));
        assertTrue(refused.getMessage().contains("node-b"), refused.getMessage());
        assertEquals(written, store.load().loadBalancers().get(0).revision(), "nothing was written");
    }

    @Test
    void anIdempotencyKeyLivesUnderTheClusterPrefixOnALeaseOfTheTtlPlusAtMostAnHour() {
        StateStore store = open();
        store.claim(KEY, claimOf("a"), Instant.now());
        String key = prefix + "idempotency/" + KEY.digest();
        String lease = etcd.etcdctl("get", key, "-w", "fields").orThrow().lines()
                .filter(l -> l.startsWith("\"Lease\"")).findFirst().orElseThrow().replaceAll("\\D", "");
        String timeToLive = etcd.etcdctl("lease", "timetolive", Long.toHexString(Long.parseLong(lease))).orThrow();
        long granted = Long.parseLong(timeToLive.replaceAll(".*granted with TTL\\((\\d+)s\\).*", "$1").trim());
        assertEquals(IdempotencyRecords.TTL.plusHours(1).toSeconds(), granted, timeToLive);
    }

    @Test
    void unreachableEndpointsAtStartUpAreOneLineNamingTheProperty() {
        EtcdKeyspace nowhere = EtcdKeyspace.open(EtcdSettings.of("http://127.0.0.1:9", "/vippy/"));
        opened.add(nowhere);
        InvalidConfigException refused = assertThrows(InvalidConfigException.class,
                () -> EtcdStores.open(nowhere, DOCUMENTS, new SimpleMeterRegistry(), dataDir, "node-a"));
        assertEquals("vippy.etcd.endpoints", refused.property());
        assertEquals(1, refused.getMessage().lines().count(), refused.getMessage());
    }

    @Test
    void badEndpointsAndPrefixesAreOneLineNamingTheProperty() {
        assertEquals("vippy.etcd.endpoints", assertThrows(InvalidConfigException.class,
                () -> EtcdKeyspace.open(EtcdSettings.of("etcd1:2379", "/vippy/"))).property());
        assertEquals("vippy.etcd.prefix", assertThrows(InvalidConfigException.class,
                () -> EtcdKeyspace.open(EtcdSettings.of(etcd.clientUrl(), "vippy"))).property());
    }

    @Test
    void aPrefixHoldingSomethingElseIsRefused() {
        open();
        etcd.etcdctl("put", prefix + "meta/format", "not ours").orThrow();
        InvalidConfigException refused = assertThrows(InvalidConfigException.class, this::reopen);
        assertEquals("vippy.etcd.prefix", refused.property());
    }

    @Test
    void aOneNodeSqliteStateMovesIntoAnEmptyClusterOnceAndTheFileIsKept() throws Exception {
        LoadBalancer lb = sample("moved up");
        LoadBalancer other = sample("also moved");
        try (SqliteStateStore sqlite = SqliteStateStore.open(dataDir, DOCUMENTS)) {
            sqlite.put(lb, 0, false);
            sqlite.put(other, 0, false);
        }
        StateStore store = open();
        assertEquals(List.of(lb.durableState(), other.durableState()),
                store.load().loadBalancers().stream().map(StoredLoadBalancer::loadBalancer).toList(),
                "same uuids, addresses and backends");
        assertTrue(Files.exists(dataDir.resolve("vippy.db.moved-to-etcd")), "the SQLite file is kept, renamed");
        assertTrue(Files.notExists(dataDir.resolve("vippy.db")));
        // A second node with its own (older) SQLite file does not copy it into a cluster that has a state.
        try (SqliteStateStore sqlite = SqliteStateStore.open(dataDir, DOCUMENTS)) {
            sqlite.put(sample("stale"), 0, false);
        }
        assertEquals(2, reopen().load().loadBalancers().size());
        assertTrue(Files.exists(dataDir.resolve("vippy.db")), "left as it is");
    }
}
