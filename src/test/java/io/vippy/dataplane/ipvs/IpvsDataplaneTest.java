package io.vippy.dataplane.ipvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vippy.core.RealServer;
import io.vippy.core.ServiceKey;
import io.vippy.core.VirtualService;
import io.vippy.core.model.PermanentFailure;
import io.vippy.core.model.Protocol;
import io.vippy.core.model.Scheduler;
import io.vippy.netlink.NetworkNamespace;
import io.vippy.testing.RootOnly;
import io.vippy.testing.TestNamespace;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** On the host kernel: the answer to "is there IPVS?", and a clear permanent failure when there is not. */
class IpvsDataplaneTest {

    @Test
    void supportsAllSixSchedulers() {
        for (Scheduler scheduler : Scheduler.values()) {
            assertTrue(new IpvsDataplane(false).supports(scheduler), scheduler.name());
        }
        assertEquals("ipvs", new IpvsDataplane(false).name());
    }

    @Test
    void withoutIpvsProgrammingIsAPermanentFailureThatSaysWhatToDo() throws Exception {
        RootOnly.assumeRoot();
        try (TestNamespace namespace = TestNamespace.create("vipv")) {
            ExecutorService thread = Executors.newSingleThreadExecutor(
                    NetworkNamespace.named(namespace.name()).threadFactory("test-kernel"));
            try {
                boolean hasIpvs = thread.submit(IpvsDataplane::kernelHasIpvs).get(20, TimeUnit.SECONDS);
                assertEquals(Files.exists(Path.of("/proc/net/ip_vs")) || hasIpvs, hasIpvs);
                if (hasIpvs) {
                    return; // this kernel has IPVS: the UML test covers the rest
                }
                IpvsDataplane dataplane = new IpvsDataplane(true);
                VirtualService service = new VirtualService(new ServiceKey(InetAddress.getByName("203.0.113.5"),
                        Protocol.TCP, 80), Scheduler.RR, List.of(new RealServer(InetAddress.getByName("10.0.0.1"), 80, 1)));
                ExecutionException failure = assertThrows(ExecutionException.class,
                        () -> thread.submit(() -> dataplane.program(service)).get(20, TimeUnit.SECONDS));
                assertTrue(failure.getCause() instanceof PermanentFailure, failure.getCause().toString());
                assertTrue(failure.getCause().getMessage().contains("modprobe ip_vs"), failure.getCause().getMessage());
            } finally {
                thread.shutdownNow();
            }
        }
    }
}
