package io.vippy.store.etcd;

import io.vippy.core.StoreUnavailableException;

/** An etcd call failed or went unanswered: the cluster is unreachable from here, or has lost its quorum. */
public class EtcdUnreachableException extends StoreUnavailableException {
    public EtcdUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
