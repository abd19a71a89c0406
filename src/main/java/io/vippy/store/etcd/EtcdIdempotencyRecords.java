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
 * Idempotency keys in etcd, {@code <prefix>idempotency/<digest>} holding "uuid expiry-in-ms fingerprint", followed
 * by " made" once the request has made what it claimed (a compare-and-put on the key's revision). A claim
 * is one transaction that writes only while the key is absent (or still holds the expired claim it read), so nodes
 * racing on one key agree on one claim. The expiry in the value is the exact one; etcd removes the key some time
 * after it through a lease of {@link IdempotencyRecords#TTL} plus an hour, granted once an hour per node, so no one
 * has to sweep.
 */
final class EtcdIdempotencyRecords {
    private static final Duration LEASE_SLACK = Duration.ofHours(1);
    /** A claim loses a race only to a claim that then holds; a few rounds settle any interleaving. */
    private static final int ATTEMPTS = 5;
    private static final String MADE = " made";

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
            IdempotencyClaim claim = parse(held.get(0), now);
            if (claim != null) {
                return claim;
            }
            expiredRevision = held.get(0).getModRevision();
        }
        throw new ConflictException("the idempotency key \"" + key.key() + "\" was claimed by other requests at the"
                + " same time; try again.");
    }

    void markMade(IdempotencyKey key, Instant now) {
        ByteSequence name = keyspace.key("idempotency/" + key.digest());
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            List<KeyValue> held = keyspace.await(kv.get(name), "an idempotency key").getKvs();
            String value = held.isEmpty() ? "" : EtcdKeyspace.text(held.get(0).getValue());
            if (held.isEmpty() || value.endsWith(MADE) || !unexpired(value, now)) {
                return;
            }
            KeyValue read = held.get(0);
            boolean marked = keyspace.await(kv.txn().If(new Cmp(name, Cmp.Op.EQUAL, CmpTarget.modRevision(read.getModRevision())))
                    .Then(Op.put(name, EtcdKeyspace.bytes(value + MADE), PutOption.builder().withLeaseId(read.getLease()).build()))
                    .commit(), "marking an idempotency key's request done").isSucceeded();
            if (marked) {
                return;
            }
        }
        throw new ConflictException("the idempotency key \"" + key.key() + "\" was changed by other requests at the"
                + " same time; try again.");
    }

    /** The claim a key's value holds, or null once it has expired. */
    private static IdempotencyClaim parse(KeyValue held, Instant now) {
        String value = EtcdKeyspace.text(held.getValue());
        if (!unexpired(value, now)) {
            return null;
        }
        boolean made = value.endsWith(MADE);
        String[] fields = (made ? value.substring(0, value.length() - MADE.length()) : value).split(" ", 3);
        return new IdempotencyClaim(fields[2], UUID.fromString(fields[0]), made);
    }

    private static boolean unexpired(String value, Instant now) {
        return Long.parseLong(value.split(" ", 3)[1]) > now.toEpochMilli();
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
