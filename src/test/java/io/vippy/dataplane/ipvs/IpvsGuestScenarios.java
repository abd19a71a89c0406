package io.vippy.dataplane.ipvs;

import io.vippy.core.RealServer;
import io.vippy.core.ServiceCounters;
import io.vippy.core.ServiceKey;
import io.vippy.core.VirtualService;
import io.vippy.core.model.PermanentFailure;
import io.vippy.core.model.Protocol;
import io.vippy.core.model.Scheduler;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs inside the UML guest (a kernel with IPVS): drives {@link IpvsDataplane} through the scenarios
 * {@link IpvsDataplaneUmlTest} checks, and after each step saves {@code ipvsadm -ln} as STEP.ipvsadm in
 * the work directory (STEP.error holds the stack trace if the step threw). The host test reads them.
 */
public final class IpvsGuestScenarios {
    private final Path work;
    private final IpvsDataplane dataplane = new IpvsDataplane(false);

    private IpvsGuestScenarios(Path work) {
        this.work = work;
    }

    public static void main(String[] args) throws Exception {
        IpvsGuestScenarios scenarios = new IpvsGuestScenarios(Path.of(args[0]));
        scenarios.step("available", () -> {
            if (!IpvsDataplane.kernelHasIpvs()) {
                throw new AssertionError("kernelHasIpvs() is false in the guest");
            }
        });
        scenarios.walkthroughAndUpdates();
        scenarios.allSchedulers();
        scenarios.ipv6();
        scenarios.adoption();
        scenarios.traffic();
        scenarios.missingScheduler();
        scenarios.timing();
        System.out.println("guest scenarios done");
    }

    private void walkthroughAndUpdates() {
        ServiceKey key = key("145.40.96.223", 6443);
        step("walkthrough", () -> dataplane.program(service(key, Scheduler.RR, real("10.80.96.25", 6443, 1))));
        step("again", () -> dataplane.program(service(key, Scheduler.RR, real("10.80.96.25", 6443, 1))));
        step("weight", () -> dataplane.program(service(key, Scheduler.RR,
                real("10.80.96.25", 6443, 5), real("10.80.96.26", 6443, 2))));
        step("scheduler", () -> dataplane.program(service(key, Scheduler.WLC,
                real("10.80.96.25", 6443, 5), real("10.80.96.26", 6443, 2))));
        step("remove-real", () -> dataplane.program(service(key, Scheduler.WLC, real("10.80.96.26", 6443, 0))));
        step("unprogram", () -> {
            dataplane.unprogram(key);
            dataplane.unprogram(key);
        });
    }

    private void allSchedulers() {
        step("schedulers", () -> {
            int port = 8000;
            for (Scheduler scheduler : Scheduler.values()) {
                port++;
                dataplane.program(service(key("198.51.100.1", port), scheduler, real("10.0.0.1", port, 1)));
            }
        });
        step("schedulers-removed", () -> {
            int port = 8000;
            for (Scheduler scheduler : Scheduler.values()) {
                dataplane.unprogram(key("198.51.100.1", ++port));
            }
        });
    }

    private void ipv6() {
        ServiceKey key = key("2001:db8::10", 443);
        step("ipv6", () -> dataplane.program(service(key, Scheduler.MH, real("2001:db8:1::2", 443, 3))));
        step("ipv6-removed", () -> dataplane.unprogram(key));
    }

    /**
     * State made with ipvsadm before Vippy starts: A matches what is desired, B differs, C is on an
     * address bound on lo but not desired, D is on a foreign address, E is a firewall-mark service.
     */
    private void adoption() {
        step("adoption-before", () -> {
            shell("ip addr add 203.0.113.22/32 dev lo");
            shell("ip addr add 203.0.113.20/32 dev lo"); // so that a local client can reach A
            shell("ipvsadm -A -t 203.0.113.20:80 -s rr");
            shell("ipvsadm -a -t 203.0.113.20:80 -r 10.1.0.1:80 -m -w 1");
            shell("ipvsadm -a -t 203.0.113.20:80 -r 10.1.0.2:80 -m -w 1");
            shell("ipvsadm -A -t 203.0.113.21:80 -s wrr");
            shell("ipvsadm -a -t 203.0.113.21:80 -r 10.2.0.1:80 -m -w 7");
            shell("ipvsadm -a -t 203.0.113.21:80 -r 10.2.0.9:80 -m -w 1");
            shell("ipvsadm -A -t 203.0.113.22:80 -s rr");
            shell("ipvsadm -A -t 192.0.2.50:80 -s rr");
            shell("ipvsadm -A -f 5 -s rr");
            connectOnce("203.0.113.20", 80); // counts one connection on A; re-creating A would reset it
        });
        step("adoption", () -> {
            long before = dataplane.kernelChanges();
            dataplane.sync(List.of(
                    service(key("203.0.113.20", 80), Scheduler.RR, real("10.1.0.1", 80, 1), real("10.1.0.2", 80, 1)),
                    service(key("203.0.113.21", 80), Scheduler.RR, real("10.2.0.1", 80, 2), real("10.2.0.2", 80, 1)),
                    service(key("203.0.113.23", 80), Scheduler.SH, real("10.3.0.1", 80, 1))));
            write("adoption-changes.txt", Long.toString(dataplane.kernelChanges() - before));
        });
        step("counters", () -> {
            awaitEstimatorTick();
            StringBuilder text = new StringBuilder();
            for (ServiceCounters counters : dataplane.counters()) {
                text.append(counters.key()).append(" connections ").append(counters.total().connections())
                        .append(" reals ").append(counters.perReal().size()).append('\n');
            }
            Files.writeString(work.resolve("counters.txt"), text);
        });
    }

    /** IPVS publishes its per-CPU counters every 2 s (the rate estimator), so wait for one tick. */
    private void awaitEstimatorTick() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(6);
        while (System.nanoTime() < deadline && dataplane.counters().stream().allMatch(c -> c.total().connections() == 0)) {
            Thread.sleep(250);
        }
    }

    /**
     * Real HTTP through IPVS: a client namespace and two backend namespaces on veth links, the backends
     * routing back through the guest (classic IPVS NAT, since the UML kernel has no nftables NAT chains
     * for the masquerade tables). The address is bound with Vippy's own binder.
     */
    private void traffic() {
        InetAddress vip = address("203.0.113.30");
        ServiceKey key = key("203.0.113.30", 80);
        step("traffic-topology", () -> {
            shell("ip netns add cl && ip link add lb-cl type veth peer name eth0 netns cl"
                    + " && ip addr add 10.10.0.1/24 dev lb-cl && ip link set lb-cl up"
                    + " && ip -n cl addr add 10.10.0.2/24 dev eth0 && ip -n cl link set eth0 up"
                    + " && ip -n cl route add default via 10.10.0.1");
            for (int i = 1; i <= 2; i++) {
                String ns = "be" + i;
                Path www = Files.createDirectories(work.resolve("www-" + ns));
                Files.writeString(www.resolve("index.html"), ns + "\n");
                shell("ip netns add " + ns + " && ip link add lb-" + ns + " type veth peer name eth0 netns " + ns
                        + " && ip addr add 10.20." + i + ".1/24 dev lb-" + ns + " && ip link set lb-" + ns + " up"
                        + " && ip -n " + ns + " addr add 10.20." + i + ".11/24 dev eth0 && ip -n " + ns
                        + " link set eth0 up && ip -n " + ns + " link set lo up && ip -n " + ns
                        + " route add default via 10.20." + i + ".1"
                        + " && ip netns exec " + ns + " $vmcache/root/bin/busybox httpd -p 8080 -h " + www);
            }
            shell("echo 1 > /proc/sys/net/ipv4/ip_forward");
            new io.vippy.netlink.RtnetlinkAddressBinder().bind(vip);
        });
        step("traffic-rr", () -> {
            dataplane.program(service(key, Scheduler.RR, real("10.20.1.11", 8080, 1), real("10.20.2.11", 8080, 1)));
            write("traffic-rr.txt", requests(10));
        });
        step("traffic-drain", () -> {
            dataplane.program(service(key, Scheduler.RR, real("10.20.1.11", 8080, 1), real("10.20.2.11", 8080, 0)));
            write("traffic-drain.txt", requests(6));
        });
        step("traffic-counters", () -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
            List<ServiceCounters> counters = dataplane.counters();
            while (System.nanoTime() < deadline && connections(counters, key) < 16) {
                Thread.sleep(250);
                counters = dataplane.counters();
            }
            StringBuilder text = new StringBuilder();
            counters.stream().filter(c -> c.key().equals(key)).forEach(c -> {
                text.append("total ").append(c.total()).append('\n');
                c.perReal().forEach((real, traffic) -> text.append(real.address().getHostAddress()).append(' ')
                        .append(traffic).append('\n'));
            });
            write("traffic-counters.txt", text.toString());
        });
    }

    /** Without its module (and no way to load it) a scheduler is ENOENT from the kernel: a permanent failure. */
    private void missingScheduler() {
        step("missing-scheduler", () -> {
            dataplane.unprogram(key("203.0.113.23", 80)); // the adoption's sh service holds the module
            shell("$vmcache/root/bin/busybox rmmod ip_vs_sh");
            try {
                dataplane.program(service(key("198.51.100.9", 80), Scheduler.SH, real("10.0.0.9", 80, 1)));
                write("missing-scheduler.txt", "programmed without failing");
            } catch (PermanentFailure e) {
                write("missing-scheduler.txt", e.getMessage());
            }
        });
    }

    /** How long programming and a no-change sync take for 100 services of 2 real servers (measurement). */
    private void timing() {
        step("timing", () -> {
            // Earlier scenarios' services on addresses bound on lo would count as Vippy's and be removed by sync.
            dataplane.unprogram(key("203.0.113.20", 80));
            dataplane.unprogram(key("203.0.113.30", 80));
            List<VirtualService> services = new java.util.ArrayList<>();
            for (int i = 1; i <= 100; i++) {
                services.add(service(key("198.18.0." + i, 443), Scheduler.WRR, real("10.99.0.1", 443, 1),
                        real("10.99.0.2", 443, 2)));
            }
            long start = System.nanoTime();
            long changesBefore = dataplane.kernelChanges();
            services.forEach(dataplane::program);
            long programmed = System.nanoTime();
            long changesProgrammed = dataplane.kernelChanges();
            services.forEach(dataplane::program);
            long reprogrammed = System.nanoTime();
            dataplane.sync(services);
            long synced = System.nanoTime();
            write("timing.txt", String.format("program 100 new: %d ms, %d changes%n"
                    + "program 100 unchanged: %d ms%nsync 100 unchanged: %d ms%nchanges when unchanged: %d%n",
                    (programmed - start) / 1_000_000, changesProgrammed - changesBefore,
                    (reprogrammed - programmed) / 1_000_000, (synced - reprogrammed) / 1_000_000,
                    dataplane.kernelChanges() - changesProgrammed));
            services.forEach(service -> dataplane.unprogram(service.key()));
        });
    }

    private static long connections(List<ServiceCounters> counters, ServiceKey key) {
        return counters.stream().filter(c -> c.key().equals(key)).mapToLong(c -> c.total().connections()).sum();
    }

    /** Sequential HTTP requests from the client namespace; one answer (or error) per line. */
    private static String requests(int count) {
        return shell("for i in $(seq " + count + "); do ip netns exec cl curl -sS -m 3 http://203.0.113.30/ 2>&1;"
                + " done");
    }

    private interface Step {
        void run() throws Exception;
    }

    private void step(String name, Step step) {
        try {
            step.run();
        } catch (Throwable e) {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            write(name + ".error", trace.toString());
            System.out.println("step " + name + " failed: " + e);
        }
        write(name + ".ipvsadm", shell("ipvsadm -ln") + "--- stats\n" + shell("ipvsadm -ln --stats"));
    }

    private static void connectOnce(String address, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 300);
        } catch (IOException expected) {
            // the real server does not exist: only IPVS's connection entry matters
        }
    }

    private static String shell(String command) {
        try {
            Process process = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(command + ": timed out");
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(command + " exited " + process.exitValue() + ": " + output);
            }
            return output;
        } catch (IOException e) {
            throw new IllegalStateException(command + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(command + ": interrupted", e);
        }
    }

    private void write(String file, String text) {
        try {
            Files.writeString(work.resolve(file), text);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + file, e);
        }
    }

    private static ServiceKey key(String address, int port) {
        return new ServiceKey(address(address), Protocol.TCP, port);
    }

    private static RealServer real(String address, int port, int weight) {
        return new RealServer(address(address), port, weight);
    }

    private static VirtualService service(ServiceKey key, Scheduler scheduler, RealServer... reals) {
        return new VirtualService(key, scheduler, List.of(reals));
    }

    private static InetAddress address(String literal) {
        return io.vippy.core.model.Addresses.parseLiteral(literal, "address");
    }
}
