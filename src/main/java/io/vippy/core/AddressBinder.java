package io.vippy.core;

import java.net.InetAddress;

/**
 * Puts load-balancer addresses on the host (on {@code lo}, as /32 or /128) so that the kernel accepts
 * traffic for them. Blocking: called on the {@link KernelExecutor}. Both methods are idempotent.
 */
public interface AddressBinder {

    void bind(InetAddress address);

    void unbind(InetAddress address);
}
