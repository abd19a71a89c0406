package io.vippy.store.etcd;

import io.vippy.core.StoreFullException;

/**
 * etcd refused a write because its database reached its space quota (the NOSPACE alarm): reads still work, writes
 * do not until an operator compacts, defragments and disarms the alarm.
 */
public class EtcdFullException extends StoreFullException {
    static final String WHAT_TO_DO = "etcd's database is full (its space quota, alarm NOSPACE): compact, defragment"
            + " and disarm the alarm (etcdctl compact, etcdctl defrag, etcdctl alarm disarm)";

    public EtcdFullException(String what, Throwable cause) {
        super(WHAT_TO_DO + "; refused " + what, cause);
    }
}
