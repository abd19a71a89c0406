package io.vippy.api.tls;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Collections;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509KeyManager;

/**
 * Whether each private key is the one its certificate was issued for. TLS servers do not check: given the wrong key
 * they start, and every handshake fails.
 */
final class KeyCertificateMatch {
    private static final byte[] PROBE = "vippy key/certificate match".getBytes(StandardCharsets.US_ASCII);

    private KeyCertificateMatch() {
    }

    /** Every key entry of {@code store}, read through {@code keys}, matches the first certificate of its chain. */
    static boolean holds(KeyStore store, KeyManagerFactory keys) throws GeneralSecurityException {
        for (KeyManager manager : keys.getKeyManagers()) {
            if (manager instanceof X509KeyManager x509) {
                for (String alias : Collections.list(store.aliases())) {
                    PrivateKey key = x509.getPrivateKey(alias);
                    X509Certificate[] chain = x509.getCertificateChain(alias);
                    if (key != null && chain != null && chain.length > 0 && !matches(key, chain[0])) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** Signs with the key and verifies with the certificate's public key. */
    private static boolean matches(PrivateKey key, X509Certificate certificate) throws GeneralSecurityException {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "EdDSA", "Ed25519" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            return true; // A key type without a known signature: the handshake will tell.
        }
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(PROBE);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        try {
            verifier.initVerify(certificate.getPublicKey());
        } catch (GeneralSecurityException e) {
            return false; // The certificate's key is of another type.
        }
        verifier.update(PROBE);
        return verifier.verify(signature);
    }
}
