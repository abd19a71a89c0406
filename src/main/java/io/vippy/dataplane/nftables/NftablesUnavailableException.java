package io.vippy.dataplane.nftables;

/** libnftables is missing: the nftables dataplane cannot run on this host. */
public class NftablesUnavailableException extends RuntimeException {
    public NftablesUnavailableException(String message) {
        super(message);
    }
}
