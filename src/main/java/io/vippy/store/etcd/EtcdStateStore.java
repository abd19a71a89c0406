package io.vippy.store.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.maintenance.AlarmType;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vippy.core.FencedWriteException;
import io.vippy.core.IdempotencyClaim;
import io.vippy.core.IdempotencyKey;
import io.vippy.core.StateStore;
import io.vippy.core.StoreChange;
import io.vippy.core.StoreConflictException;
import io.vippy.core.StoreListener;
import io.vippy.core.StoreSnapshot;
import io.vippy.core.StoredLoadBalancer;
import io.vippy.core.model.InvalidConfigException;
import io.vippy.core.model.LoadBalancer;
import io.vippy.store.LoadBalancerDocument;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Load balancers in etcd, one key per load balancer ({@code <prefix>lb/<uuid>}, a {@link LoadBalancerDocument});
 * a record's revision is its key's mod revision, and a write is a transaction that compares it (and, for the
 * leader's writes, the leader key's create revision: fencing). Changes come from one etcd watch over the prefix,
 * started at the revision of the last read, so every node applies every node's writes in revision order; when etcd
 * has compacted past where the watch stands, everything is read again and handed over as a reset. A probe every
 * second tells whether etcd can be reached; while it cannot, reads are served from what the node holds and writes
 * fail with a sentence.
 */
public final class EtcdStateStore implements StateStore, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(EtcdStateStore.class);
    static final String FORMAT_KEY = "meta/format";
    private static final long PROBE_INTERVAL_MS = 1000;
    private static final int START_ATTEMPTS = 3;

    private final EtcdKeyspace keyspace;
    private final KV kv;
    private final LoadBalancerDocument documents;
    private final ByteSequence lbPrefix;
    private final EtcdIdempotencyRecords idempotency;
    private final Counter fencedWritesRefused;
    private final AtomicReference<String> unreachable = new AtomicReference<>();
    /** etcd refuses writes although it answers (its space quota), until its NOSPACE alarm is gone. */
    private final AtomicBoolean full = new AtomicBoolean();
    private final ScheduledExecutorService probe = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "vippy-etcd-probe");
        thread.setDaemon(true);
        return thread;
    });
    private volatile Watch.Watcher watcher;
    private volatile long watchedRevision;
    private volatile boolean closed;

    public EtcdStateStore(EtcdKeyspace keyspace, LoadBalancerDocument documents, MeterRegistry meters) {
        this.keyspace = keyspace;
        this.kv = keyspace.client().getKVClient();
        this.documents = documents;
        this.lbPrefix = keyspace.key("lb/");
        this.idempotency = new EtcdIdempotencyRecords(keyspace);
        this.fencedWritesRefused = Counter.builder("vippy.cluster.fenced.writes.refused")
                .description("leader writes etcd refused because this node no longer held the leader key")
                .register(meters);
    }

    /**
     * Checks at start-up that etcd answers and that the prefix holds a state this Vippy can read, writing the
     * format marker into an empty prefix. Throws {@link InvalidConfigException} with one line otherwise.
     */
    public void verify() {
        GetResponse format = firstAnswer();
        if (format.getKvs().isEmpty()) {
            keyspace.await(kv.txn().If(new Cmp(keyspace.key(FORMAT_KEY), Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                    .Then(Op.put(keyspace.key(FORMAT_KEY), EtcdKeyspace.bytes(String.valueOf(LoadBalancerDocument.FORMAT)),
                            PutOption.DEFAULT))
                    .commit(), "writing the format marker");
            return;
        }
        String stored = EtcdKeyspace.text(format.getKvs().get(0).getValue());
        int version;
        try {
            version = Integer.parseInt(stored.trim());
        } catch (NumberFormatException e) {
            throw new InvalidConfigException("vippy.etcd.prefix", keyspace.prefix() + FORMAT_KEY + " holds \"" + stored
                    + "\", not a Vippy format: is the prefix someone else's?");
        }
        if (version > LoadBalancerDocument.FORMAT) {
            throw new InvalidConfigException("vippy.store", "etcd holds Vippy state of format " + version
                    + ", newer than this Vippy reads (" + LoadBalancerDocument.FORMAT + "); run a Vippy at least as new");
        }
    }

    /** The first read connects too: give it a few request timeouts before calling the endpoints unreachable. */
    private GetResponse firstAnswer() {
        EtcdUnreachableException last = null;
        for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
            try {
                return keyspace.await(kv.get(keyspace.key(FORMAT_KEY)), "a read of " + keyspace.prefix() + FORMAT_KEY);
            } catch (EtcdUnreachableException e) {
                last = e;
            }
        }
        throw new InvalidConfigException("vippy.etcd.endpoints", "no etcd member answered: " + last.getMessage());
    }

    @Override
    public String name() {
        return "etcd";
    }

    @Override
    public StoreSnapshot load() {
        GetResponse response = call(() -> keyspace.await(kv.get(lbPrefix, GetOption.builder().isPrefix(true).build()),
                "a read of every load balancer"));
        List<StoredLoadBalancer> all = new ArrayList<>();
        response.getKvs().stream().sorted(Comparator.comparingLong(KeyValue::getCreateRevision))
                .forEach(kv -> all.add(new StoredLoadBalancer(decode(kv), kv.getModRevision())));
        return new StoreSnapshot(all, response.getHeader().getRevision());
    }

    @Override
    public long put(LoadBalancer loadBalancer, long expectedRevision, boolean fenced) {
        ByteSequence key = lbKey(loadBalancer.uuid());
        Op write = Op.put(key, EtcdKeyspace.bytes(documents.encode(loadBalancer)), PutOption.DEFAULT);
        return commit(loadBalancer.uuid(), key, expectedRevision, fenced, write);
    }

    @Override
    public long delete(UUID uuid, long expectedRevision, boolean fenced) {
        ByteSequence key = lbKey(uuid);
        // The nodes' health reports for it go with it.
        return commit(uuid, key, expectedRevision, fenced, Op.delete(key, DeleteOption.DEFAULT),
                Op.delete(keyspace.key("health/" + uuid + "/"), DeleteOption.builder().isPrefix(true).build()));
    }

    /** One compare-and-write transaction; on refusal, reads why (the record moved on, or the fence). */
    private long commit(UUID uuid, ByteSequence key, long expectedRevision, boolean fenced, Op... writes) {
        long claim = keyspace.fence().claimRevision();
        if (fenced && claim == 0) {
            throw new FencedWriteException("this node does not lead the cluster; the leader does this work");
        }
        List<Cmp> compares = new ArrayList<>();
        compares.add(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedRevision)));
        ByteSequence leaderKey = EtcdKeyspace.bytes(keyspace.fence().leaderKey());
        if (fenced) {
            compares.add(new Cmp(leaderKey, Cmp.Op.EQUAL, CmpTarget.createRevision(claim)));
        }
        TxnResponse response = call(() -> keyspace.await(kv.txn().If(compares.toArray(Cmp[]::new)).Then(writes)
                .Else(Op.get(key, GetOption.DEFAULT), Op.get(leaderKey, GetOption.DEFAULT)).commit(),
                "a write of load balancer " + uuid));
        if (response.isSucceeded()) {
            return response.getHeader().getRevision();
        }
        List<KeyValue> record = response.getGetResponses().get(0).getKvs();
        long stored = record.isEmpty() ? 0 : record.get(0).getModRevision();
        if (stored != expectedRevision) {
            throw new StoreConflictException("load balancer " + uuid + " was changed meanwhile (revision " + stored
                    + ", not " + expectedRevision + ")");
        }
        fencedWritesRefused.increment();
        List<KeyValue> leader = response.getGetResponses().get(1).getKvs();
        String holder = leader.isEmpty() ? "nobody" : EtcdKeyspace.text(leader.get(0).getValue());
        LOG.warnf("etcd refused a leader write for load balancer %s: the leader key is now held by %s", uuid, holder);
        throw new FencedWriteException("this node no longer leads the cluster (" + holder + " does); the write for "
                + "load balancer " + uuid + " was refused");
    }

    @Override
    public IdempotencyClaim claim(IdempotencyKey key, IdempotencyClaim wanted, Instant now) {
        return call(() -> idempotency.claim(key, wanted, now));
    }

    @Override
    public void markMade(IdempotencyKey key, Instant now) {
        call(() -> {
            idempotency.markMade(key, now);
            return null;
        });
    }

    @Override
    public void watch(long revision, StoreListener listener) {
        watchedRevision = revision;
        startWatch(listener);
        probe.scheduleWithFixedDelay(this::probe, PROBE_INTERVAL_MS, PROBE_INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    private synchronized void startWatch(StoreListener listener) {
        if (closed) {
            return;
        }
        WatchOption option = WatchOption.builder().isPrefix(true).withRevision(watchedRevision + 1).build();
        watcher = keyspace.client().getWatchClient().watch(lbPrefix, option, Watch.listener(
                response -> deliver(response, listener),
                failure -> watchFailed(failure, listener)));
    }

    private void deliver(WatchResponse response, StoreListener listener) {
        for (WatchEvent event : response.getEvents()) {
            KeyValue kv = event.getKeyValue();
            UUID uuid = uuidOf(kv.getKey());
            long revision = kv.getModRevision();
            try {
                if (event.getEventType() == WatchEvent.EventType.DELETE) {
                    listener.changed(new StoreChange(uuid, null, revision));
                } else if (event.getEventType() == WatchEvent.EventType.PUT) {
                    listener.changed(new StoreChange(uuid, decode(kv), revision));
                }
            } catch (InvalidConfigException unreadable) {
                LOG.errorf("ignoring a change this Vippy cannot read: %s", unreadable.getMessage());
            }
            watchedRevision = Math.max(watchedRevision, revision);
        }
    }

    /**
     * jetcd resumes a watch by itself across connection failures; what reaches here ends it: compaction (read
     * everything again) or anything else (start again from the last revision seen, after a pause).
     */
    private void watchFailed(Throwable failure, StoreListener listener) {
        if (closed) {
            return;
        }
        if (failure instanceof CompactedException || failure.getCause() instanceof CompactedException) {
            LOG.warnf("etcd compacted its history past revision %d: reading every load balancer again", watchedRevision);
            probe.execute(() -> {
                try {
                    StoreSnapshot snapshot = load();
                    listener.reset(snapshot);
                    watchedRevision = snapshot.revision();
                    startWatch(listener);
                } catch (RuntimeException e) {
                    watchFailed(e, listener);
                }
            });
            return;
        }
        LOG.warnf("etcd watch ended (%s); watching again from revision %d", failure.getMessage(), watchedRevision + 1);
        probe.schedule(() -> startWatch(listener), PROBE_INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    /** A read tells whether etcd answers; its alarms whether it takes writes (a full etcd still answers reads). */
    private void probe() {
        try {
            call(() -> keyspace.await(kv.get(keyspace.key(FORMAT_KEY)), "a health read"));
            boolean noSpace = call(() -> keyspace.await(keyspace.client().getMaintenanceClient().listAlarms(),
                    "the alarm list")).getAlarms().stream().anyMatch(alarm -> alarm.getAlarmType() == AlarmType.NOSPACE);
            if (noSpace) {
                recordFull();
            } else if (full.getAndSet(false)) {
                LOG.info("etcd takes writes again (its NOSPACE alarm is gone)");
            }
        } catch (RuntimeException e) {
            // call() recorded it.
        }
    }

    private void recordFull() {
        if (!full.getAndSet(true)) {
            LOG.warnf("%s; serving what this node holds, refusing writes", EtcdFullException.WHAT_TO_DO);
        }
    }

    /** Runs an etcd call and records whether etcd could be reached. */
    private <T> T call(java.util.function.Supplier<T> etcdCall) {
        try {
            T result = etcdCall.get();
            String was = unreachable.getAndSet(null);
            if (was != null) {
                LOG.infof("etcd answers again (it did not: %s)", was);
            }
            return result;
        } catch (EtcdUnreachableException e) {
            if (unreachable.getAndSet(e.getMessage()) == null) {
                LOG.warnf("etcd is unreachable: %s; serving what this node holds, refusing writes", e.getMessage());
            }
            throw e;
        } catch (EtcdFullException e) {
            recordFull();
            throw e;
        }
    }

    @Override
    public Optional<String> unavailable() {
        return Optional.ofNullable(unreachable.get()).map(reason -> "etcd is unreachable: " + reason)
                .or(() -> full.get() ? Optional.of(EtcdFullException.WHAT_TO_DO) : Optional.empty());
    }

    private ByteSequence lbKey(UUID uuid) {
        return keyspace.key("lb/" + uuid);
    }

    private UUID uuidOf(ByteSequence key) {
        String text = EtcdKeyspace.text(key);
        return UUID.fromString(text.substring(text.lastIndexOf('/') + 1));
    }

    private LoadBalancer decode(KeyValue kv) {
        return documents.decode(EtcdKeyspace.text(kv.getKey()), EtcdKeyspace.text(kv.getValue()));
    }

    @Override
    public synchronized void close() {
        closed = true;
        probe.shutdownNow();
        if (watcher != null) {
            watcher.close();
        }
    }
}
