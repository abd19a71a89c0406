package io.vippy.dataplane.ipvs;

import io.vippy.core.model.Addresses;
import io.vippy.core.model.PermanentFailure;
import io.vippy.dataplane.Sysctl;
import io.vippy.dataplane.nftables.NftScriptRunner;
import io.vippy.dataplane.nftables.NftablesUnavailableException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Source NAT for IPVS "Masq" forwarding, so that backends answer through this host whatever their
 * routes: connections whose original destination is a load-balancer address and whose packets now go
 * elsewhere (IPVS rewrote the destination to a backend) leave with this host's address. Lives in the
 * nftables tables {@code ip vippy_ipvs} and {@code ip6 vippy_ipvs} and touches nothing else. IPVS must keep
 * conntrack entries for that ({@code net.ipv4.vs.conntrack=1}, see {@link #enableIpvsConntrack()}).
 *
 * <p>Each change rewrites both tables in one atomic libnftables transaction, in process; established
 * connections keep their NAT bindings, which live in conntrack, not in the rules. The libnftables context
 * opens on the calling thread (the kernel thread), so it acts in that thread's network namespace.
 */
final class IpvsMasquerade implements AutoCloseable {
    private static final Path IPVS_CONNTRACK = Path.of("/proc/sys/net/ipv4/vs/conntrack");
    private final NftScriptRunner nft = new NftScriptRunner();
    private Set<InetAddress> applied;

    /** Makes the tables masquerade exactly for these load-balancer addresses; no-op if unchanged. */
    void apply(Set<InetAddress> addresses) {
        if (addresses.equals(applied)) {
            return;
        }
        try {
            nft.run(script(addresses));
        } catch (NftablesUnavailableException e) {
            throw new PermanentFailure("IPVS masquerade needs nftables (the kernel's and libnftables), or set "
                    + "vippy.ipvs.masquerade=false: " + e.getMessage(), e);
        }
        applied = Set.copyOf(addresses);
    }

    /** The exact nft batch for these addresses (creating the tables first makes the delete always valid). */
    static String script(Set<InetAddress> addresses) {
        return table("ip", "ipv4_addr", addresses.stream().filter(a -> a instanceof Inet4Address))
                + table("ip6", "ipv6_addr", addresses.stream().filter(a -> !(a instanceof Inet4Address)));
    }

    private static String table(String family, String type, java.util.stream.Stream<InetAddress> addresses) {
        Set<String> literals = addresses.map(Addresses::format).collect(Collectors.toCollection(TreeSet::new));
        String elements = literals.isEmpty() ? "" : "\t\telements = { " + String.join(", ", literals) + " }\n";
        String address = family + " daddr";
        return "table " + family + " vippy_ipvs\n"
                + "delete table " + family + " vippy_ipvs\n"
                + "table " + family + " vippy_ipvs {\n"
                + "\tset addresses {\n"
                + "\t\ttype " + type + "\n"
                + elements
                + "\t}\n"
                + "\tchain postrouting {\n"
                + "\t\ttype nat hook postrouting priority srcnat; policy accept;\n"
                + "\t\tct direction original ct original " + address + " @addresses " + address
                + " != @addresses masquerade\n"
                + "\t}\n"
                + "}\n";
    }

    /** IPVS keeps conntrack entries only when told to, and without them the nat hook never sees its packets. */
    static void enableIpvsConntrack() {
        try {
            Sysctl.ensure(IPVS_CONNTRACK, "1");
        } catch (UncheckedIOException e) {
            throw new PermanentFailure("Cannot turn on net.ipv4.vs.conntrack, which IPVS masquerading needs ("
                    + e.getMessage() + ")", e);
        }
    }

    @Override
    public void close() {
        nft.close();
    }
}
