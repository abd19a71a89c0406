package io.vippy.store.etcd;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The leader key as this node last claimed it: the store compares it in every fenced write, so the write commits
 * only while the key etcd holds is still the one this node created. Written by the election, read by the store.
 */
public final class EtcdFence {
    private final String leaderKey;
    private final AtomicLong claimRevision = new AtomicLong();

    EtcdFence(String leaderKey) {
        this.leaderKey = leaderKey;
    }

    public String leaderKey() {
        return leaderKey;
    }

    /** The create revision of the leader key this node holds, or 0 when it holds none. */
    public long claimRevision() {
        return claimRevision.get();
    }

    public void claimed(long revision) {
        claimRevision.set(revision);
    }

    public void released() {
        claimRevision.set(0);
    }
}
