package io.vippy.dataplane.ipvs;

import io.vippy.core.model.Addresses;
import io.vippy.core.model.PermanentFailure;
import io.vippy.dataplane.Sysctl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Source NAT for IPVS "Masq" forwarding, so that backends answer through this host whatever their
 * routes: connections whose original destination is a load-balancer address and whose packets now go
 * elsewhere (IPVS rewrote the destination to a backend) leave with this host's address. Lives in the
 * nftables tables {@code ip vippy_ipvs} and {@code ip6 vippy_ipvs} and touches nothing else. IPVS must keep
 * conntrack entries for that ({@code net.ipv4.vs.conntrack=1}, see {@link #enableIpvsConntrack()}).
 *
 * <p>Each change rewrites both tables in one atomic {@code nft -f} batch; established connections keep
 * their NAT bindings, which live in conntrack, not in the rules. Runs {@code nft} on the calling thread,
 * so the child process starts in that thread's network namespace.
 */
final class IpvsMasquerade {
    private static final Path IPVS_CONNTRACK = Path.of("/proc/sys/net/ipv4/vs/conntrack");
    private static final long NFT_TIMEOUT_SECONDS = 20;
    private Set<InetAddress> applied;

    /** Makes the tables masquerade exactly for these load-balancer addresses; no-op if unchanged. */
    void apply(Set<InetAddress> addresses) {
        if (addresses.equals(applied)) {
            return;
        }
        runNft(script(addresses));
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

    private static void runNft(String script) {
        Process process;
        try {
            process = new ProcessBuilder("nft", "-f", "-").redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new PermanentFailure("IPVS masquerading needs the nft command (Debian package nftables), or set "
                    + "vippy.ipvs.masquerade=false: " + e.getMessage(), e);
        }
        try {
            try (var stdin = process.getOutputStream()) {
                stdin.write(script.getBytes(StandardCharsets.UTF_8));
            }
            if (!process.waitFor(NFT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("nft did not finish within " + NFT_TIMEOUT_SECONDS + " s");
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (process.exitValue() != 0) {
                throw new PermanentFailure("nft refused Vippy's IPVS masquerade tables: " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("nft: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running nft", e);
        }
    }
}
