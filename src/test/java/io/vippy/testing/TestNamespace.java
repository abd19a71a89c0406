package io.vippy.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A network namespace a test creates and always removes, with every process still inside it.
 * Names are short and random so that parallel runs and leftovers never clash.
 */
public final class TestNamespace implements AutoCloseable {
    private final String name;

    private TestNamespace(String name) {
        this.name = name;
    }

    /** Creates {@code PREFIX-xxxx} with {@code lo} up. */
    public static TestNamespace create(String prefix) {
        String name = prefix + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
        Shell.run("ip", "netns", "add", name).orThrow();
        TestNamespace namespace = new TestNamespace(name);
        namespace.exec("ip", "link", "set", "lo", "up").orThrow();
        return namespace;
    }

    public String name() {
        return name;
    }

    /** Runs a command inside the namespace. */
    public Shell.Result exec(String... command) {
        return exec(Shell.DEFAULT_TIMEOUT, command);
    }

    public Shell.Result exec(Duration timeout, String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(List.of(command));
        return Shell.run(timeout, full.toArray(String[]::new));
    }

    /** Runs {@code sh -c script} inside the namespace. */
    public Shell.Result sh(String script) {
        return exec("sh", "-c", script);
    }

    /**
     * Links this namespace to another with a veth pair and addresses (CIDR notation, such as
     * {@code 10.0.0.1/24}); interface names are {@code ifName} here and {@code peerIfName} there.
     */
    public void link(TestNamespace peer, String ifName, String cidr, String peerIfName, String peerCidr) {
        Shell.run("ip", "link", "add", ifName, "netns", name, "type", "veth", "peer", "name", peerIfName, "netns",
                peer.name).orThrow();
        exec("ip", "addr", "add", cidr, "dev", ifName).orThrow();
        exec("ip", "link", "set", ifName, "up").orThrow();
        peer.exec("ip", "addr", "add", peerCidr, "dev", peerIfName).orThrow();
        peer.exec("ip", "link", "set", peerIfName, "up").orThrow();
    }

    /** Kills what still runs inside, then deletes the namespace. */
    @Override
    public void close() {
        String pids = Shell.run("ip", "netns", "pids", name).output().trim();
        if (!pids.isEmpty()) {
            Shell.run(Duration.ofSeconds(5), "sh", "-c", "kill -9 " + pids.replace('\n', ' '));
        }
        Shell.run("ip", "netns", "del", name);
    }
}
