package io.vippy.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.vippy.core.Leadership;
import io.vippy.store.etcd.EtcdKeyspace;
import io.vippy.store.etcd.EtcdUnreachableException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * This node's membership of the cluster, on one lease: its registration ({@code nodes/<name>}) and, when it wins
 * the election, the leader key ({@code leader}), both deleted by etcd when the lease runs out. One thread ticks every
 * third of the lease's time to live: renew the lease, refresh the registration, check or claim the leader key.
 *
 * <p>A new leader first reads every load balancer afresh (a read after its claim), so it knows every address the
 * last leader wrote before it reserves one. The claim is valid while etcd holds the key this node created (its
 * create revision is the fence every
 * leader write compares). This node also stops counting itself leader, by the monotonic clock, a third of the time
 * to live before the lease could have run out since the last renewal it sent, so a paused or cut-off leader stops
 * acting before another can be elected; etcd's refusal of its fenced writes covers what was already under way.
 */
final class EtcdMembership implements Leadership, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(EtcdMembership.class);
    private static final String LEASE_NOT_FOUND = "requested lease not found";

    private final EtcdKeyspace keyspace;
    private final KV kv;
    private final Lease leases;
    private final String nodeName;
    private final Supplier<NodeRecord> record;
    private final Runnable catchUp;
    private final ObjectMapper json;
    private final long ttlNanos;
    private final List<Consumer<Boolean>> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "vippy-cluster-membership");
        thread.setDaemon(true);
        return thread;
    });
    private volatile long leaseId;
    /** Monotonic time until which the lease surely lives: send time of the last successful renewal plus its TTL. */
    private volatile long leaseValidUntil;
    private volatile String leaderName;
    private NodeRecord registered;
    private boolean leading;
    /** Why the last tick failed, while ticks fail. */
    private String failing;
    private boolean drainWished;
    private volatile Consumer<Boolean> drainListener = wished -> { };
    private Watch.Watcher leaderWatch;

    EtcdMembership(EtcdKeyspace keyspace, String nodeName, Supplier<NodeRecord> record, Runnable catchUp,
            ObjectMapper json) {
        this.keyspace = keyspace;
        this.kv = keyspace.client().getKVClient();
        this.leases = keyspace.client().getLeaseClient();
        this.nodeName = nodeName;
        this.record = record;
        this.catchUp = catchUp;
        this.json = json;
        this.ttlNanos = keyspace.leaseTtl().toNanos();
    }

    /** Joins at once (register, campaign) and then keeps ticking; a failure now is retried by the ticks. */
    void start() {
        long tickMillis = Math.max(200, keyspace.leaseTtl().toMillis() / 3);
        ticker.scheduleWithFixedDelay(this::tick, 0, tickMillis, TimeUnit.MILLISECONDS);
        leaderWatch = keyspace.client().getWatchClient().watch(keyspace.key("leader"), WatchOption.DEFAULT,
                Watch.listener(response -> {
                    if (response.getEvents().stream().anyMatch(e -> e.getEventType() == WatchEvent.EventType.DELETE)) {
                        ticker.execute(this::tick); // the leader is gone: campaign now, not at the next tick
                    }
                }, failure -> LOG.debugf("leader watch ended: %s", failure.getMessage())));
    }

    @Override
    public boolean isLeader() {
        return keyspace.fence().claimRevision() != 0 && System.nanoTime() < leaseValidUntil - ttlNanos / 3;
    }

    /** The lease this node's keys live on; 0 until granted. */
    long leaseId() {
        return leaseId;
    }

    @Override
    public Optional<String> leader() {
        return Optional.ofNullable(leaderName);
    }

    @Override
    public void onChange(Consumer<Boolean> listener) {
        listeners.add(listener);
    }

    private void tick() {
        try {
            renewLease();
            register();
            elect();
            followDrainWish();
            if (failing != null) {
                LOG.infof("cluster membership works again (it failed: %s)", failing);
                failing = null;
            }
        } catch (RuntimeException e) {
            if (failing == null) {
                LOG.warnf("cluster membership of node %s cannot reach etcd: %s; it stops leading before its lease could "
                        + "run out, and keeps serving what it holds", nodeName, e.getMessage());
            }
            failing = e.getMessage();
        }
        announceLeadership();
    }

    private void renewLease() {
        long sent = System.nanoTime();
        if (leaseId == 0) {
            leaseId = keyspace.await(leases.grant(keyspace.leaseTtl().toSeconds()), "a lease grant").getID();
            leaseValidUntil = sent + ttlNanos;
            registered = null;
            return;
        }
        LeaseKeepAliveResponse renewed;
        try {
            renewed = keyspace.await(leases.keepAliveOnce(leaseId), "a lease renewal");
        } catch (EtcdUnreachableException e) {
            if (!String.valueOf(e.getMessage()).contains(LEASE_NOT_FOUND)) {
                throw e;
            }
            // etcd answered: the lease ran out (jetcd reports a renewal to TTL 0 as "not found").
            LOG.warnf("the lease of node %s ran out before it was renewed: registering again", nodeName);
            leaseId = 0;
            keyspace.fence().released();
            renewLease();
            return;
        }
        leaseValidUntil = sent + TimeUnit.SECONDS.toNanos(renewed.getTTL());
    }

    /** Writes the registration when it is new or what it says has changed. */
    private void register() {
        NodeRecord now = record.get();
        if (now.equals(registered)) {
            return;
        }
        try {
            keyspace.await(kv.put(keyspace.key("nodes/" + nodeName), EtcdKeyspace.bytes(json.writeValueAsString(now)),
                    PutOption.builder().withLeaseId(leaseId).build()), "the node registration");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        if (registered == null) {
            LOG.infof("registered as node %s in the cluster under %s", nodeName, keyspace.prefix());
        }
        registered = now;
    }

    /** Keeps the claim while etcd holds this node's key; claims the key when nobody holds it. */
    private void elect() {
        ByteSequence leaderKey = keyspace.key("leader");
        TxnResponse response = keyspace.await(kv.txn()
                .If(new Cmp(leaderKey, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                .Then(Op.put(leaderKey, EtcdKeyspace.bytes(nodeName), PutOption.builder().withLeaseId(leaseId).build()))
                .Else(Op.get(leaderKey, GetOption.DEFAULT))
                .commit(), "the leader election");
        if (response.isSucceeded()) {
            long claim = response.getHeader().getRevision();
            catchUp.run();
            keyspace.fence().claimed(claim);
            leaderName = nodeName;
            LOG.infof("node %s leads the cluster (leader key revision %d)", nodeName, claim);
            return;
        }
        KeyValue holder = response.getGetResponses().get(0).getKvs().get(0);
        leaderName = EtcdKeyspace.text(holder.getValue());
        long claim = keyspace.fence().claimRevision();
        if (claim != 0 && holder.getCreateRevision() != claim) {
            LOG.warnf("node %s lost the lead to %s", nodeName, leaderName);
            keyspace.fence().released();
        }
    }

    /** Whether an operator asked (on any node) to drain this one: {@code drain/<name>}. */
    private void followDrainWish() {
        boolean wished = keyspace.await(kv.get(keyspace.key("drain/" + nodeName)), "a read of the drain wish")
                .getCount() > 0;
        if (wished != drainWished) {
            drainWished = wished;
            LOG.infof("node %s is %s, as asked", nodeName, wished ? "draining" : "back in the traffic");
            drainListener.accept(wished);
        }
    }

    /** Who acts on a drain wish for this node (set once, before {@link #start}). */
    void onDrainWish(Consumer<Boolean> listener) {
        this.drainListener = listener;
    }

    /** Tells the listeners when leading (claim held and surely valid) changed since the last tick. */
    private void announceLeadership() {
        boolean now = isLeader();
        if (now != leading) {
            leading = now;
            if (!now) {
                LOG.warnf("node %s stops acting as leader", nodeName);
                if (nodeName.equals(leaderName)) {
                    leaderName = null; // not known again until a tick reads the leader key
                }
            }
            listeners.forEach(listener -> listener.accept(now));
        }
    }

    /**
     * Leaves at once: revoking the lease deletes the registration and the leader key, so another node leads now. Only
     * the first call does anything.
     */
    @Override
    public synchronized void close() {
        if (ticker.isShutdown()) {
            return;
        }
        boolean led = isLeader();
        ticker.shutdownNow();
        if (leaderWatch != null) {
            leaderWatch.close();
        }
        keyspace.fence().released();
        if (leaseId != 0) {
            try {
                keyspace.await(leases.revoke(leaseId), "the lease revocation");
                LOG.infof("left the cluster: lease revoked, so node %s's registration%s is gone now", nodeName,
                        led ? " and leadership" : "");
            } catch (EtcdUnreachableException e) {
                LOG.infof("could not revoke this node's lease (%s); it runs out by itself", e.getMessage());
            }
        }
    }
}
