package io.vippy.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vippy.testing.RootOnly;
import io.vippy.testing.TestNamespace;
import java.net.InetAddress;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The binder against a real kernel, in a namespace of its own, on a thread that entered it. */
class RtnetlinkAddressBinderTest {
    private TestNamespace namespace;
    private ExecutorService kernelThread;
    private RtnetlinkAddressBinder binder;

    @BeforeEach
    void createNamespace() {
        RootOnly.assumeRoot();
        RootOnly.requireTool("ip");
        RootOnly.requireTool("ping");
        namespace = TestNamespace.create("vipv");
        kernelThread = Executors.newSingleThreadExecutor(NetworkNamespace.named(namespace.name()).threadFactory("test-kernel"));
        binder = new RtnetlinkAddressBinder();
    }

    @AfterEach
    void removeNamespace() throws Exception {
        try {
            if (kernelThread != null) {
                kernelThread.submit(binder::close).get(10, TimeUnit.SECONDS);
                kernelThread.shutdownNow();
            }
        } finally {
            if (namespace != null) {
                namespace.close();
            }
        }
    }

    @Test
    void bindsAnIpv4AddressThatAnswersPingAndUnbindsIt() throws Exception {
        InetAddress vip = InetAddress.getByName("203.0.113.10");
        onKernelThread(() -> binder.bind(vip));
        assertTrue(loAddresses().contains("inet 203.0.113.10/32"), loAddresses());
        namespace.exec("ping", "-c1", "-W1", "203.0.113.10").orThrow();

        onKernelThread(() -> binder.bind(vip));
        assertEquals(1, count(loAddresses(), "203.0.113.10/32"), "binding twice adds it once");
        assertEquals(java.util.Set.of(vip), listedOnLo());

        onKernelThread(() -> binder.unbind(vip));
        assertFalse(loAddresses().contains("203.0.113.10"), loAddresses());
        assertFalse(namespace.exec("ping", "-c1", "-W1", "203.0.113.10").ok(), "gone: no answer");
        onKernelThread(() -> binder.unbind(vip));
    }

    @Test
    void bindsAnIpv6AddressThatAnswersPingAndUnbindsIt() throws Exception {
        InetAddress vip = InetAddress.getByName("2001:db8:ffff::7");
        onKernelThread(() -> binder.bind(vip));
        onKernelThread(() -> binder.bind(vip));
        assertEquals(1, count(loAddresses(), "inet6 2001:db8:ffff::7/128"), loAddresses());
        assertEquals(java.util.Set.of(vip), listedOnLo());
        namespace.exec("ping", "-6", "-c1", "-W1", "2001:db8:ffff::7").orThrow();

        onKernelThread(() -> binder.unbind(vip));
        onKernelThread(() -> binder.unbind(vip));
        assertFalse(loAddresses().contains("2001:db8:ffff::7"), loAddresses());
    }

    @Test
    void bringsLoUpInAFreshNamespace() throws Exception {
        namespace.exec("ip", "link", "set", "lo", "down").orThrow();
        InetAddress vip = InetAddress.getByName("203.0.113.11");
        onKernelThread(() -> binder.bind(vip));
        assertTrue(namespace.exec("ip", "-o", "link", "show", "lo").orThrow().contains(",UP"));
        namespace.exec("ping", "-c1", "-W1", "203.0.113.11").orThrow();
    }

    @Test
    void refusesUseFromASecondThreadWhichWouldBeInAnotherNamespace() throws Exception {
        onKernelThread(() -> binder.bind(InetAddress.getByName("203.0.113.12")));
        assertThrows(IllegalStateException.class, () -> binder.bind(InetAddress.getByName("203.0.113.13")));
        assertFalse(Shellish.hostLoHas("203.0.113.13"), "nothing landed on the host's lo");
    }

    private java.util.Set<InetAddress> listedOnLo() throws Exception {
        return kernelThread.submit(() -> {
            try (NetlinkSocket socket = NetlinkSocket.open(NetlinkSocket.NETLINK_ROUTE)) {
                return LoopbackAddresses.list(socket);
            }
        }).get(10, TimeUnit.SECONDS);
    }

    private String loAddresses() {
        return namespace.exec("ip", "-o", "addr", "show", "dev", "lo").orThrow();
    }

    private static int count(String text, String needle) {
        return text.split(java.util.regex.Pattern.quote(needle), -1).length - 1;
    }

    private interface KernelCall {
        void run() throws Exception;
    }

    private void onKernelThread(KernelCall call) throws Exception {
        try {
            kernelThread.submit(() -> {
                call.run();
                return null;
            }).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    private static final class Shellish {
        static boolean hostLoHas(String address) {
            return io.vippy.testing.Shell.run("ip", "-o", "addr", "show", "dev", "lo").orThrow().contains(address);
        }
    }
}
