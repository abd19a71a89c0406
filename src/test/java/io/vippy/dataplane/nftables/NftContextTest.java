package io.vippy.dataplane.nftables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vippy.core.model.PermanentFailure;
import io.vippy.netlink.NativeException;
import org.junit.jupiter.api.Test;

/** nft's error text gives the errno, and the errno decides whether retrying can help. */
class NftContextTest {

    @Test
    void nftsErrorTextBecomesTheErrnoItQuotesAndInvalidRequestsArePermanent() {
        RuntimeException syntax = NftContext.failure("add rule ip vippy x nonsense\n",
                "Error: syntax error, unexpected string\nadd rule ip vippy x nonsense\n                    ^^^^^^^^");
        assertInstanceOf(PermanentFailure.class, syntax);
        assertEquals(NativeException.EINVAL, assertInstanceOf(NativeException.class, syntax.getCause()).errno(),
                "a parser's complaint names no errno: the request is invalid");
        assertTrue(syntax.getMessage().contains("syntax error"), syntax.getMessage());
        assertEquals(1, syntax.getMessage().lines().count(), syntax.getMessage());

        RuntimeException missing = NftContext.failure("delete element ip vippy services { 1.2.3.4 . tcp . 80 }\n",
                "Error: Could not process rule: No such file or directory");
        NativeException transientFailure = assertInstanceOf(NativeException.class, missing);
        assertTrue(transientFailure.isNotFound());
        assertEquals(NativeException.ENOENT, transientFailure.errno());
        assertEquals("nft \"delete element ip vippy services { 1.2.3.4 . tcp . 80 }\" failed: ENOENT (No such file"
                + " or directory): Error: Could not process rule: No such file or directory", missing.getMessage());

        NativeException busy = assertInstanceOf(NativeException.class, NftContext.failure("add table ip vippy\n",
                "Error: Could not process rule: Device or resource busy"));
        assertEquals(NativeException.EBUSY, busy.errno(), "busy passes: retried");
        NativeException denied = assertInstanceOf(NativeException.class, NftContext.failure("add table ip vippy\n",
                "Error: Could not process rule: Operation not permitted"));
        assertTrue(denied.isPermissionDenied(), "retried: a policy that refuses now may allow later");
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
