package io.vippy.faults;

import static io.vippy.testing.FaultChecks.api;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vippy.core.KernelExecutor;
import io.vippy.netlink.ThreadCapabilities;
import io.vippy.testing.FaultChecks;
import io.vippy.testing.Futures;
import io.vippy.testing.VippyTestEnvironment;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Fault: the kernel refusing Vippy's calls with EPERM (CAP_NET_ADMIN lowered on Vippy's kernel thread, so the
 * real kernel answers its netlink and nftables requests with EPERM). The create is acknowledged and kept, the
 * failure shows in the status and the metrics, and the load balancer comes up by itself once the capability is
 * back, without a restart or another call.
 */
@QuarkusTest
@WithTestResource(VippyTestEnvironment.class)
class KernelFaultTest {
    @Inject
    KernelExecutor kernel;

    private void setNetAdminOnKernelThread(boolean on) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        kernel.execute(() -> {
            try {
                ThreadCapabilities.setEffective(ThreadCapabilities.CAP_NET_ADMIN, on);
                done.complete(null);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        Futures.await(done);
    }

    @AfterEach
    void capabilityBack() {
        setNetAdminOnKernelThread(true);
    }

    @Test
    void epermFromTheKernelShowsInStatusAndMetricsAndClearsByItself() {
        setNetAdminOnKernelThread(false);
        String uuid = FaultChecks.create("eperm", 8081);

        FaultChecks.assertFaultShows(uuid, "EPERM", "bindAddress", Duration.ofSeconds(30));

        setNetAdminOnKernelThread(true);
        Map<String, Object> recovered = FaultChecks.awaitRecovered(uuid, Duration.ofSeconds(60));
        assertTrue(VippyTestEnvironment.namespace().exec("ip", "-o", "addr", "show", "dev", "lo").orThrow()
                .contains(recovered.get("eip") + "/32"), "the address is bound: " + recovered);
        api().delete("/loadbalancer/" + uuid);
    }
}
