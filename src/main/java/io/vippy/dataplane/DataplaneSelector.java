package io.vippy.dataplane;

import io.vippy.core.Dataplane;
import io.vippy.core.VippyConfig;
import io.vippy.core.model.InvalidConfigException;
import io.vippy.dataplane.nftables.NftablesDataplane;
import io.vippy.netlink.NetworkNamespace;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/** Picks the kernel load balancer {@code vippy.dataplane} names: {@code auto}, {@code ipvs} or {@code nftables}. */
@ApplicationScoped
public class DataplaneSelector {
    private static final Logger LOG = Logger.getLogger(DataplaneSelector.class);
    /** Present when the kernel has IPVS; thread-self, so that it is the namespace the thread entered. */
    private static final Path IPVS_PROC = Path.of("/proc/thread-self/net/ip_vs");

    @Produces
    @ApplicationScoped
    Dataplane dataplane(VippyConfig config, NetworkNamespace namespace, Instance<NftablesDataplane> nftables) {
        String choice = config.dataplane().trim().toLowerCase(java.util.Locale.ROOT);
        return switch (choice) {
            case "nftables" -> nftables.get();
            case "ipvs" -> ipvs();
            case "auto" -> {
                boolean ipvs = kernelHasIpvs(namespace);
                LOG.infof("vippy.dataplane=auto: %s", ipvs ? "the kernel has IPVS, using it"
                        : "no IPVS in the kernel (" + IPVS_PROC + " is absent), using nftables");
                yield ipvs ? ipvs() : nftables.get();
            }
            default -> throw new InvalidConfigException("vippy.dataplane",
                    "must be auto, ipvs or nftables, not \"" + config.dataplane() + "\"");
        };
    }

    private static Dataplane ipvs() {
        throw new IllegalStateException("vippy.dataplane=ipvs: the IPVS dataplane is not available in this build");
    }

    /** Looks for /proc/net/ip_vs from inside the target namespace (a thread that entered it). */
    static boolean kernelHasIpvs(NetworkNamespace namespace) {
        ExecutorService thread = Executors.newSingleThreadExecutor(namespace.threadFactory("vippy-ipvs-probe"));
        try {
            return thread.submit(() -> Files.exists(IPVS_PROC)).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot enter " + namespace + " to look for IPVS: " + e.getCause().getMessage(),
                    e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while looking for IPVS", e);
        } finally {
            thread.shutdown();
        }
    }
}
