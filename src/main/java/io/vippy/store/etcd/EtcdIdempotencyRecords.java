package io.vippy.store.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.vippy.core.IdempotencyClaim;
import io.vippy.core.IdempotencyKey;
import io.vippy.core.IdempotencyRecords;
import io.vippy.core.model.ConflictException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Idempotency keys in etcd, {@code <prefix>idempotency/<digest>} holding "uuid expiry-in-ms fingerprint". A claim
 * is one transaction that writes only while the key is absent (or still holds the expired claim it read), so nodes
 * racing on one key agree on one claim. The expiry in the value is the exact one; etcd removes the key some time
 * after it through a lease of {@link IdempotencyRecords#TTL} plus an hour, granted once an hour per node, so no one
 * has to sweep.
 */
final class EtcdIdempotencyRecords {
    private static final Duration LEASE_SLACK = Duration.ofHours(1);
    /** A claim loses a race only to a claim that then holds; a few rounds settle any interleaving. */
    private static final int ATTEMPTS = 5;

    private record HourLease(long hour, long id) {
    }

    private final EtcdKeyspace keyspace;
    private final KV kv;
    private final AtomicReference<HourLease> lease = new AtomicReference<>();

    EtcdIdempotencyRecords(EtcdKeyspace keyspace) {
        this.keyspace = keyspace;
        this.kv = keyspace.client().getKVClient();
    }

    IdempotencyClaim claim(IdempotencyKey key, IdempotencyClaim wanted, Instant now) {
        ByteSequence name = keyspace.key("idempotency/" + key.digest());
        ByteSequence value = EtcdKeyspace.bytes(wanted.uuid() + " " + now.plus(IdempotencyRecords.TTL).toEpochMilli()
                + " " + wanted.fingerprint());
        long expiredRevision = 0;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Cmp unclaimed = expiredRevision == 0
                    ? new Cmp(name, Cmp.Op.EQUAL, CmpTarget.createRevision(0))
                    : new Cmp(name, Cmp.Op.EQUAL, CmpTarget.modRevision(expiredRevision));
            TxnResponse response;
            try {
                response = keyspace.await(kv.txn().If(unclaimed)
                        .Then(Op.put(name, value, PutOption.builder().withLeaseId(lease(now)).build()))
                        .Else(Op.get(name, GetOption.DEFAULT)).commit(), "a claim of an idempotency key");
            } catch (EtcdUnreachableException e) {
                if (attempt == ATTEMPTS || !String.valueOf(e.getMessage()).contains("lease not found")) {
                    throw e;
                }
                lease.set(null); // revoked, or etcd lost it: grant another
                continue;
            }
            if (response.isSucceeded()) {
                return wanted;
            }
            List<KeyValue> held = response.getGetResponses().get(0).getKvs();
            if (held.isEmpty()) {
                expiredRevision = 0; // its lease ran out meanwhile
                continue;
            }
            String[] fields = EtcdKeyspace.text(held.get(0).getValue()).split(" ", 3);
            if (Long.parseLong(fields[1]) > now.toEpochMilli()) {
                return new IdempotencyClaim(fields[2], UUID.fromString(fields[0]));
            }
            expiredRevision = held.get(0).getModRevision();
        }
        throw new ConflictException("the idempotency key \"" + key.key() + "\" was claimed by other requests at the"
                + " same time; try again.");
    }

    /** This hour's lease: a key written within the hour lives at least TTL, at most TTL plus an hour. */
    private long lease(Instant now) {
        long hour = now.getEpochSecond() / LEASE_SLACK.toSeconds();
        HourLease current = lease.get();
        if (current != null && current.hour() == hour) {
            return current.id();
        }
        long id = keyspace.await(keyspace.client().getLeaseClient().grant(IdempotencyRecords.TTL.plus(LEASE_SLACK)
                .toSeconds()), "a lease for idempotency keys").getID();
        lease.set(new HourLease(hour, id));
        return id;
    }
}
