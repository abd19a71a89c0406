package io.vippy.dataplane.nftables;

/** nft refused a transaction for a reason that may pass on retry; carries nft's own error text. */
public class NftException extends RuntimeException {
    private final String nftError;

    public NftException(String message, String nftError) {
        super(message);
        this.nftError = nftError;
    }

    /** The error text exactly as libnftables printed it. */
    public String nftError() {
        return nftError;
    }

    public boolean isNotFound() {
        return nftError.contains("No such file or directory");
    }

    public boolean isAlreadyExists() {
        return nftError.contains("File exists");
    }
}
