package io.vippy.dataplane.nftables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vippy.core.model.PermanentFailure;
import org.junit.jupiter.api.Test;

/** nft's error text decides whether retrying can help. */
class NftContextTest {

    @Test
    void invalidRequestsArePermanentOthersTransient() {
        RuntimeException syntax = NftContext.failure("add rule ip vippy x nonsense\n",
                "Error: syntax error, unexpected string\nadd rule ip vippy x nonsense\n                    ^^^^^^^^");
        assertInstanceOf(PermanentFailure.class, syntax);
        assertTrue(syntax.getMessage().contains("syntax error"), syntax.getMessage());

        RuntimeException missing = NftContext.failure("delete element ip vippy services { 1.2.3.4 . tcp . 80 }\n",
                "Error: Could not process rule: No such file or directory");
        NftException transientFailure = assertInstanceOf(NftException.class, missing);
        assertTrue(transientFailure.isNotFound());
        assertEquals("nft rejected the transaction: Error: Could not process rule: No such file or directory"
                + " (script starts: delete element ip vippy services { 1.2.3.4 . tcp . 80 })", missing.getMessage());
    }

    @Test
    void aMissingLibraryFailsWithOneLineNamingThePackage() {
        NftablesUnavailableException missing = org.junit.jupiter.api.Assertions.assertThrows(
                NftablesUnavailableException.class, () -> LibNftables.load("libnftables-vippy-missing.so.1"));
        assertTrue(missing.getMessage().startsWith("libnftables-vippy-missing.so.1 cannot be loaded: install the"
                + " Debian package libnftables1"), missing.getMessage());
        assertEquals(1, missing.getMessage().lines().count(), missing.getMessage());
    }
}
