package io.vippy.dataplane.nftables;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;

/**
 * The libnftables calls Vippy makes, the only native boundary of this package. Public only because jnr-ffi
 * generates the implementation in its own class loader (a package-private interface cannot be implemented
 * from there); nothing outside the package uses it.
 */
public interface LibNftables {
    /** Debian's libnftables1 ships only the versioned name; the unversioned .so comes with -dev. */
    String LIBRARY = "libnftables.so.1";
    int NFT_CTX_DEFAULT = 0;
    int NFT_CTX_OUTPUT_JSON = 1 << 4;

    Pointer nft_ctx_new(int flags);

    void nft_ctx_free(Pointer ctx);

    int nft_ctx_buffer_output(Pointer ctx);

    int nft_ctx_buffer_error(Pointer ctx);

    String nft_ctx_get_output_buffer(Pointer ctx);

    String nft_ctx_get_error_buffer(Pointer ctx);

    void nft_ctx_output_set_flags(Pointer ctx, int flags);

    int nft_run_cmd_from_buffer(Pointer ctx, @In String buffer);

    /** Loads the library, or fails with one line that says which package to install. */
    static LibNftables load() {
        return load(LIBRARY);
    }

    static LibNftables load(String library) {
        try {
            return LibraryLoader.create(LibNftables.class).failImmediately().load(library);
        } catch (UnsatisfiedLinkError | IllegalStateException e) {
            throw new NftablesUnavailableException(library + " cannot be loaded: install the Debian package"
                    + " libnftables1 (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
    }
}
