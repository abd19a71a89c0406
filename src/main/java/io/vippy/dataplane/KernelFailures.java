package io.vippy.dataplane;

import io.vippy.core.model.PermanentFailure;
import io.vippy.netlink.NativeException;

/** How the dataplanes tell the reconciler whether a kernel failure may pass: one rule for IPVS and nftables. */
public final class KernelFailures {
    private KernelFailures() {
    }

    /**
     * A request the kernel calls wrong ({@link NativeException#isInvalidRequest()}) fails the same way on every
     * retry: a {@link PermanentFailure} saying {@code what}. Anything else (ENOENT, EEXIST, EBUSY, ENOMEM, EPERM
     * from a policy that may change) is returned as it is, and retried with backoff.
     */
    public static RuntimeException classify(NativeException e, String what) {
        return e.isInvalidRequest() ? new PermanentFailure(what + ": " + e.getMessage(), e) : e;
    }
}
