package io.vippy.dataplane;

import io.vippy.core.Dataplane;
import io.vippy.core.VippyConfig;
import io.vippy.core.model.InvalidConfigException;
import io.vippy.dataplane.ipvs.IpvsDataplane;
import io.vippy.dataplane.nftables.NftablesDataplane;
import io.vippy.netlink.NetworkNamespace;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/** Picks the kernel load balancer {@code vippy.dataplane} names: {@code auto}, {@code ipvs} or {@code nftables}. */
@ApplicationScoped
public class DataplaneSelector {
    private static final Logger LOG = Logger.getLogger(DataplaneSelector.class);
    @Produces
    @ApplicationScoped
    Dataplane dataplane(VippyConfig config, NetworkNamespace namespace, Instance<NftablesDataplane> nftables,
            Instance<IpvsDataplane> ipvs) {
        String choice = config.dataplane().trim().toLowerCase(java.util.Locale.ROOT);
        return switch (choice) {
            case "nftables" -> nftables.get();
            case "ipvs" -> ipvs.get();
            case "auto" -> {
                boolean hasIpvs = kernelHasIpvs(namespace);
                LOG.infof("vippy.dataplane=auto: %s", hasIpvs ? "the kernel has IPVS, using it"
                        : "no IPVS in the kernel, using nftables");
                yield hasIpvs ? ipvs.get() : nftables.get();
            }
            default -> throw new InvalidConfigException("vippy.dataplane",
                    "must be auto, ipvs or nftables, not \"" + config.dataplane() + "\"");
        };
    }

    /** Asks the kernel for IPVS from inside the target namespace (a thread that entered it). */
    static boolean kernelHasIpvs(NetworkNamespace namespace) {
        ExecutorService thread = Executors.newSingleThreadExecutor(namespace.threadFactory("vippy-ipvs-probe"));
        try {
            return thread.submit(IpvsDataplane::kernelHasIpvs).get();
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
