package io.vippy.dataplane.nftables;

import io.vippy.core.model.PermanentFailure;
import java.util.List;
import jnr.ffi.Pointer;

/**
 * One libnftables context. Its netlink socket belongs to the network namespace of the thread that
 * creates it, so it is opened by {@link #open()} on the kernel thread, never in a constructor elsewhere.
 * Not thread-safe: the kernel thread is its only user.
 */
final class NftContext implements AutoCloseable {
    /** nft messages that mean the request itself is wrong: retrying the same script cannot succeed. */
    private static final List<String> INVALID_REQUEST = List.of("syntax error", "Invalid argument",
            "Operation not supported", "mismatch", "Could not resolve", "not supported", "Operation not permitted");

    private final LibNftables lib;
    private Pointer ctx;

    private NftContext(LibNftables lib, Pointer ctx) {
        this.lib = lib;
        this.ctx = ctx;
    }

    static NftContext open() {
        LibNftables lib = LibNftables.load();
        Pointer ctx = lib.nft_ctx_new(LibNftables.NFT_CTX_DEFAULT);
        if (ctx == null) {
            throw new NftException("nft_ctx_new failed", "nft_ctx_new returned NULL");
        }
        lib.nft_ctx_buffer_output(ctx);
        lib.nft_ctx_buffer_error(ctx);
        return new NftContext(lib, ctx);
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

    /** Runs nft commands and returns their output. */
    synchronized String run(String script) {
        requireOpen();
        int result = lib.nft_run_cmd_from_buffer(ctx, script);
        String output = lib.nft_ctx_get_output_buffer(ctx);
        String error = lib.nft_ctx_get_error_buffer(ctx);
        if (result != 0) {
            throw failure(script, error == null ? "" : error.strip());
        }
        return output == null ? "" : output;
    }

    /** Invalid requests are permanent; anything else (ENOENT, EEXIST, EBUSY, ENOMEM) may pass later. */
    static RuntimeException failure(String script, String error) {
        String firstLine = error.lines().findFirst().orElse("(no error text)");
        String message = "nft rejected the transaction: " + firstLine + " (script starts: "
                + script.lines().findFirst().orElse("") + ")";
        for (String marker : INVALID_REQUEST) {
            if (error.contains(marker)) {
                return new PermanentFailure(message, new NftException(message, error));
            }
        }
        return new NftException(message, error);
    }

    private void requireOpen() {
        if (ctx == null) {
            throw new IllegalStateException("libnftables context already closed");
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
