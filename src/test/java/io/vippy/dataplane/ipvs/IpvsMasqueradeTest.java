package io.vippy.dataplane.ipvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vippy.netlink.NetworkNamespace;
import io.vippy.testing.RootOnly;
import io.vippy.testing.Shell;
import io.vippy.testing.TestNamespace;
import java.net.InetAddress;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The masquerade tables against the host's real nftables, in a test namespace (the host kernel has
 * nftables NAT but no IPVS, and the UML kernel has IPVS but no nftables NAT chains, so the traffic path
 * through both is not exercised here).
 */
class IpvsMasqueradeTest {

    @Test
    void writesItsOwnTablesInTheCallingThreadsNamespaceAndLeavesOthersAlone() throws Exception {
        RootOnly.assumeRoot();
        RootOnly.requireTool("nft");
        try (TestNamespace namespace = TestNamespace.create("vipv")) {
            namespace.exec("nft", "add table ip someone_else").orThrow();
            ExecutorService thread = Executors.newSingleThreadExecutor(
                    NetworkNamespace.named(namespace.name()).threadFactory("test-kernel"));
            IpvsMasquerade masquerade = new IpvsMasquerade();
            try {
                Set<InetAddress> two = Set.of(InetAddress.getByName("203.0.113.10"), InetAddress.getByName("203.0.113.9"),
                        InetAddress.getByName("2001:db8::1"));
                thread.submit(() -> masquerade.apply(two)).get(30, TimeUnit.SECONDS);
                String v4 = namespace.exec("nft", "list", "table", "ip", "vippy_ipvs").orThrow();
                assertTrue(v4.contains("elements = { 203.0.113.9, 203.0.113.10 }"), v4);
                assertTrue(v4.contains("type nat hook postrouting priority srcnat; policy accept;"), v4);
                assertTrue(v4.contains("ct direction original ct original ip daddr @addresses ip daddr != @addresses masquerade"), v4);
                String v6 = namespace.exec("nft", "list", "table", "ip6", "vippy_ipvs").orThrow();
                assertTrue(v6.contains("elements = { 2001:db8::1 }"), v6);
                assertTrue(namespace.exec("nft", "list", "tables").orThrow().contains("table ip someone_else"));
                assertFalse(Shell.run("nft", "list", "tables").orThrow().contains("vippy_ipvs"),
                        "libnftables acted in the test namespace, not the host's");

                Set<InetAddress> one = Set.of(InetAddress.getByName("203.0.113.9"));
                thread.submit(() -> masquerade.apply(one)).get(30, TimeUnit.SECONDS);
                v4 = namespace.exec("nft", "list", "table", "ip", "vippy_ipvs").orThrow();
                assertTrue(v4.contains("elements = { 203.0.113.9 }"), v4);
                assertEquals(1, namespace.exec("nft", "list", "chain", "ip", "vippy_ipvs", "postrouting").orThrow()
                        .split("masquerade", -1).length - 1, "rewriting never duplicates the rule");
                assertFalse(namespace.exec("nft", "list", "table", "ip6", "vippy_ipvs").orThrow().contains("elements"));

                thread.submit(() -> masquerade.apply(Set.of())).get(30, TimeUnit.SECONDS);
                assertFalse(namespace.exec("nft", "list", "table", "ip", "vippy_ipvs").orThrow().contains("elements"));
                assertTrue(namespace.exec("nft", "list", "tables").orThrow().contains("table ip someone_else"));
            } finally {
                thread.submit(masquerade::close).get(30, TimeUnit.SECONDS);
                thread.shutdownNow();
            }
        }
    }
}
