package io.vippy.it.cluster;

import io.vippy.testing.Shell;
import io.vippy.testing.TestNamespace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cluster's top-of-rack router: FRR's zebra, bgpd and bfdd in one namespace, one eBGP neighbour per node,
 * {@code maximum-paths} so that zebra installs one kernel route with a next hop per node that announces an
 * address, and optionally BFD (300 ms x 3) beside each session. Sockets, configs and logs in {@code dir}.
 */
final class TorRouter implements AutoCloseable {
    static final int AS = 65530;
    private static final Pattern NEXT_HOP = Pattern.compile("via (\\d+\\.\\d+\\.\\d+\\.\\d+)");
    private static final Pattern NEXT_HOP_ID = Pattern.compile("nhid (\\d+)");
    private static final Pattern FLOW_SEEN = Pattern.compile("(\\d+) \\. \"n(\\d+)\"");

    private final TestNamespace namespace;
    private final Path dir;
    private final List<Process> daemons = new ArrayList<>();

    private TorRouter(TestNamespace namespace, Path dir) {
        this.namespace = namespace;
        this.dir = dir;
    }

    /** Starts zebra, then bfdd and bgpd with neighbours {@code nodes} (addresses, all in AS {@code nodeAs}). */
    static TorRouter start(TestNamespace namespace, Path dir, String routerId, List<String> nodes, long nodeAs,
            boolean bfd) {
        TorRouter tor = new TorRouter(namespace, dir);
        try {
            Files.createDirectories(dir);
            Shell.run("chown", "frr:frr", dir.toString()).orThrow();
            String zserv = dir.resolve("zserv.api").toString();
            tor.daemon("zebra", "hostname tor\n", zserv);
            ClusterRig.await("zebra's socket", Duration.ofSeconds(10), () -> Files.exists(dir.resolve("zserv.api")),
                    tor::log);
            tor.daemon("bfdd", bfddConfig(), zserv);
            tor.daemon("bgpd", bgpdConfig(routerId, nodes, nodeAs, bfd), zserv);
            ClusterRig.await("bgpd answering", Duration.ofSeconds(10),
                    () -> tor.vtysh("show bgp summary").contains("BGP router identifier"), tor::log);
            return tor;
        } catch (IOException e) {
            tor.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException | AssertionError e) {
            tor.close();
            throw e;
        }
    }

    private static String bfddConfig() {
        return """
                hostname tor
                bfd
                 profile cluster
                  receive-interval 300
                  transmit-interval 300
                  detect-multiplier 3
                 !
                !
                """;
    }

    private static String bgpdConfig(String routerId, List<String> nodes, long nodeAs, boolean bfd) {
        StringBuilder config = new StringBuilder("""
                frr defaults datacenter
                hostname tor
                log stdout informational
                !
                router bgp %d
                 bgp router-id %s
                 no bgp ebgp-requires-policy
                 bgp bestpath as-path multipath-relax
                """.formatted(AS, routerId));
        // RFC 8326's receiver policy: a path tagged graceful-shutdown is least preferred, so it leaves the ECMP set.
        String gracefulShutdown = """
                bgp community-list standard gshut seq 5 permit graceful-shutdown
                route-map from-nodes permit 10
                 match community gshut
                 set local-preference 0
                route-map from-nodes permit 20
                !
                """;
        for (String node : nodes) {
            config.append(" neighbor ").append(node).append(" remote-as ").append(nodeAs).append('\n')
                    .append(" neighbor ").append(node).append(" timers 3 9\n")
                    .append(" neighbor ").append(node).append(" timers connect 1\n");
            if (bfd) {
                config.append(" neighbor ").append(node).append(" bfd profile cluster\n");
            }
        }
        config.append(" address-family ipv4 unicast\n  maximum-paths 16\n");
        for (String node : nodes) {
            config.append("  neighbor ").append(node).append(" activate\n")
                    .append("  neighbor ").append(node).append(" route-map from-nodes in\n");
        }
        return config.append(" exit-address-family\n!\n").append(gracefulShutdown).toString();
    }

    private void daemon(String name, String config, String zserv) throws IOException {
        Path file = dir.resolve(name + ".conf");
        Files.writeString(file, config);
        Shell.run("chown", "frr:frr", file.toString()).orThrow();
        Process process = new ProcessBuilder("ip", "netns", "exec", namespace.name(), "/usr/lib/frr/" + name,
                "-f", file.toString(), "-i", dir.resolve(name + ".pid").toString(), "-z", zserv,
                "--vty_socket", dir.toString(), "-u", "frr", "-g", "frr").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".log").toFile())).start();
        process.getOutputStream().close();
        daemons.add(process);
    }

    String vtysh(String command) {
        return Shell.run("vtysh", "--vty_socket", dir.toString(), "-c", command).output();
    }

    /** Whether BFD runs beside the session with this neighbour from now on (its next session, if it is up now). */
    void bfd(String neighbor, boolean on) {
        Shell.run("vtysh", "--vty_socket", dir.toString(), "-c", "configure terminal", "-c", "router bgp " + AS, "-c",
                (on ? "" : "no ") + "neighbor " + neighbor + " bfd" + (on ? " profile cluster" : "")).orThrow();
    }

    /**
     * Records, in a dynamic set of the ToR's kernel, the node link each forwarded packet of the client's TCP flows
     * from these source ports leaves by: which node carries a flow, and whether the ToR ever moved it.
     */
    void recordFlows(String client, int firstSourcePort, int lastSourcePort) {
        namespace.exec("nft", "add table ip flows; add set ip flows seen { type inet_service . ifname; flags dynamic;"
                + " size 65535; }; add chain ip flows forward { type filter hook forward priority 0; };"
                + " add rule ip flows forward ip saddr " + client + " tcp sport " + firstSourcePort + "-"
                + lastSourcePort + " add @seen { tcp sport . oifname }").orThrow();
    }

    /** Per source port recorded since {@link #recordFlows}, the nodes (1-based, from the link names) it went to. */
    Map<Integer, Set<Integer>> flowsSeen() {
        Matcher element = FLOW_SEEN.matcher(namespace.exec("nft", "list", "set", "ip", "flows", "seen").orThrow());
        Map<Integer, Set<Integer>> seen = new TreeMap<>();
        while (element.find()) {
            seen.computeIfAbsent(Integer.parseInt(element.group(1)), port -> new TreeSet<>())
                    .add(Integer.parseInt(element.group(2)));
        }
        return seen;
    }

    /** The next hops of the ToR's kernel route to this address, as the kernel holds them (none: no route). */
    List<String> kernelNextHops(String address) {
        String route = namespace.exec("ip", "route", "show", address + "/32").orThrow();
        List<String> hops = new ArrayList<>();
        Matcher via = NEXT_HOP.matcher(route);
        while (via.find()) {
            hops.add(via.group(1));
        }
        Matcher group = NEXT_HOP_ID.matcher(route);
        if (hops.isEmpty() && group.find()) {
            // zebra installs through a kernel nexthop group: the route names the group, the group its members.
            String members = namespace.exec("ip", "nexthop", "show", "id", group.group(1)).orThrow();
            Matcher groupMembers = Pattern.compile("group ([\\d/,]+)").matcher(members);
            if (groupMembers.find()) {
                for (String member : groupMembers.group(1).split("/")) {
                    Matcher memberVia = NEXT_HOP.matcher(
                            namespace.exec("ip", "nexthop", "show", "id", member.split(",")[0]).orThrow());
                    if (memberVia.find()) {
                        hops.add(memberVia.group(1));
                    }
                }
            } else {
                Matcher single = NEXT_HOP.matcher(members);
                if (single.find()) {
                    hops.add(single.group(1));
                }
            }
        }
        return hops;
    }

    /** How many neighbours are Established. */
    int establishedSessions() {
        String summary = vtysh("show bgp ipv4 unicast summary json");
        Matcher state = Pattern.compile("\"state\":\"Established\"").matcher(summary);
        int count = 0;
        while (state.find()) {
            count++;
        }
        return count;
    }

    /** bgpd's whole log so far. */
    String bgpdLog() {
        try {
            return Files.readString(dir.resolve("bgpd.log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String log() {
        StringBuilder text = new StringBuilder();
        for (String name : List.of("zebra", "bfdd", "bgpd")) {
            try {
                Path log = dir.resolve(name + ".log");
                String content = Files.exists(log) ? Files.readString(log) : "";
                text.append("--- ").append(name).append(" ---\n")
                        .append(content.length() <= 2000 ? content : content.substring(content.length() - 2000));
            } catch (IOException e) {
                text.append(e).append('\n');
            }
        }
        return text.toString();
    }

    @Override
    public void close() {
        for (int i = daemons.size() - 1; i >= 0; i--) {
            Process process = daemons.get(i);
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
