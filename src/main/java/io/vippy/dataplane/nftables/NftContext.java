package io.vippy.dataplane.nftables;

import io.vippy.dataplane.KernelFailures;
import io.vippy.netlink.NativeException;
import io.vippy.netlink.NetlinkSocket;
import jnr.ffi.Pointer;

/**
 * One libnftables context. Its netlink socket belongs to the network namespace of the thread that
 * creates it, so it is opened by {@link #open()} on the kernel thread, never in a constructor elsewhere.
 * Not thread-safe: the kernel thread is its only user.
 */
final class NftContext implements AutoCloseable {
    private final LibNftables lib;
    private Pointer ctx;

    private NftContext(LibNftables lib, Pointer ctx) {
        this.lib = lib;
        this.ctx = ctx;
    }

    static NftContext open() {
        requireKernelNftables();
        LibNftables lib = LibNftables.load();
        return new NftContext(lib, newContext(lib));
    }

    /**
     * libnftables ends the whole process (exit) when the kernel has no nf_tables netlink ("mnl.c: Unable to initialize
     * Netlink socket"), as user-mode Linux's kernel has not: ask the kernel first, and fail only this call.
     */
    private static void requireKernelNftables() {
        try (NetlinkSocket probe = NetlinkSocket.open(NetlinkSocket.NETLINK_NETFILTER)) {
            // The kernel speaks nf_tables.
        } catch (NativeException e) {
            if (e.errno() == NativeException.EPROTONOSUPPORT) {
                throw new NftablesUnavailableException("this kernel has no nftables (" + e.getMessage() + ")");
            }
            throw e;
        }
    }

    private static Pointer newContext(LibNftables lib) {
        Pointer ctx = lib.nft_ctx_new(LibNftables.NFT_CTX_DEFAULT);
        if (ctx == null) {
            throw new NativeException("nft_ctx_new", NativeException.ENOMEM);
        }
        if (lib.nft_ctx_buffer_output(ctx) != 0 || lib.nft_ctx_buffer_error(ctx) != 0) {
            lib.nft_ctx_free(ctx);
            throw new NativeException("nft_ctx_buffer_output/error", NativeException.ENOMEM);
        }
        return ctx;
    }

    /** Runs a transaction: one nft_run_cmd_from_buffer, which the kernel applies atomically. */
    void run(NftTransaction transaction) {
        if (!transaction.isEmpty()) {
            run(transaction.toString());
        }
    }

    /**
     * Runs a list command with JSON output. The flag is set only for this call: with it set, libnftables
     * also treats input as JSON first, and nft 1.0.6 then fails on typeof maps ("conflicting protocols").
     */
    synchronized String listJson(String command) {
        requireOpen();
        lib.nft_ctx_output_set_flags(ctx, LibNftables.NFT_CTX_OUTPUT_JSON);
        try {
            return run(command);
        } finally {
            lib.nft_ctx_output_set_flags(ctx, 0);
        }
    }

    /** Runs nft commands and returns their output; an interrupted run is run again. */
    synchronized String run(String script) {
        requireOpen();
        return NativeException.retryingOnInterrupt(() -> {
            int result = lib.nft_run_cmd_from_buffer(ctx, script);
            String output = lib.nft_ctx_get_output_buffer(ctx);
            String error = lib.nft_ctx_get_error_buffer(ctx);
            if (result != 0) {
                RuntimeException failure = failure(script, error == null ? "" : error.strip());
                if (failure instanceof NativeException e && e.isPermissionDenied()) {
                    reopen();
                }
                throw failure;
            }
            return output == null ? "" : output;
        });
    }

    /**
     * The kernel checks a netlink sender's capabilities against those the socket was opened with, too: a context
     * whose socket was opened without CAP_NET_ADMIN stays refused. After EPERM a new context (and socket) takes
     * its place, so a capability granted later takes effect.
     */
    private void reopen() {
        lib.nft_ctx_free(ctx);
        ctx = null;
        ctx = newContext(lib);
    }

    /**
     * libnftables reports a failure only as text (strerror for what the kernel refused): it becomes the errno
     * it quotes. Invalid requests are permanent; anything else (ENOENT, EEXIST, EBUSY, ENOMEM) may pass later.
     */
    static RuntimeException failure(String script, String error) {
        String firstLine = error.lines().findFirst().orElse("(no error text)");
        NativeException failure = NativeException.fromErrorText(
                "nft \"" + script.lines().findFirst().orElse("") + "\"", error);
        NativeException oneLine = new NativeException(failure.operation(), failure.errno(), firstLine);
        return KernelFailures.classify(oneLine, "nft rejected the transaction");
    }

    private void requireOpen() {
        if (ctx == null) {
            throw new NativeException("libnftables", NativeException.EBADF, "the context is closed");
        }
    }

    /**
     * Frees the context. Synchronized with the calls above: shutdown closes it from another thread while the
     * kernel thread may be inside libnftables, and freeing it under that call crashed the JVM.
     */
    @Override
    public synchronized void close() {
        if (ctx != null) {
            lib.nft_ctx_free(ctx);
            ctx = null;
        }
    }
}
