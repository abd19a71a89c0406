package io.vippy.dataplane.nftables;

/**
 * Runs nft scripts in process, through libnftables, for the other dataplane's nftables needs (the IPVS
 * masquerade tables): one atomic transaction per script, failures as the errno-carrying
 * {@link io.vippy.netlink.NativeException} (or a {@link io.vippy.core.model.PermanentFailure} for a request the
 * kernel calls invalid). The context opens on the first run, in the calling thread's network namespace; like
 * every kernel object here it belongs to the kernel thread.
 */
public final class NftScriptRunner implements AutoCloseable {
    private NftContext context;

    /** Runs the script; throws {@link NftablesUnavailableException} when libnftables cannot be loaded. */
    public void run(String script) {
        if (context == null) {
            context = NftContext.open();
        }
        context.run(script);
    }

    @Override
    public void close() {
        if (context != null) {
            context.close();
            context = null;
        }
    }
}
