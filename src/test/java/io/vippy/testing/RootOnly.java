package io.vippy.testing;

import org.junit.jupiter.api.Assumptions;

/**
 * Integration tests need root (namespaces, nftables, BGP daemons). They skip, loudly, only when not root;
 * CI runs as root, where a missing tool is a failure, not a skip.
 */
public final class RootOnly {
    private RootOnly() {
    }

    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    public static void assumeRoot() {
        if (!isRoot()) {
            System.err.println("*** SKIPPED: this integration test needs root (network namespaces); CI runs it as root ***");
        }
        Assumptions.assumeTrue(isRoot(), "needs root");
    }

    /** Fails (does not skip) when a tool the test needs is missing: .ci/run must install it. */
    public static void requireTool(String tool) {
        if (!Shell.run("sh", "-c", "command -v " + tool).ok()) {
            throw new AssertionError(tool + " is not installed: .ci/run installs it (apt-get install), run that first");
        }
    }
}
