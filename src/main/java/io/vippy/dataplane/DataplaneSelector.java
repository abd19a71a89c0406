package io.vippy.dataplane;

import io.quarkus.runtime.Startup;
import io.vippy.core.Dataplane;
import io.vippy.core.VippyConfig;
import io.vippy.core.model.InvalidConfigException;
import io.vippy.dataplane.ipvs.IpvsDataplane;
import io.vippy.dataplane.nftables.NftablesDataplane;
import io.vippy.dataplane.nftables.NftablesUnavailableException;
import io.vippy.netlink.NetworkNamespace;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.interceptor.Interceptor;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Picks the kernel load balancer {@code vippy.dataplane} names: {@code auto}, {@code ipvs} or {@code nftables}.
 * Chosen at start-up, so that a dataplane that cannot run here stops start-up with one line.
 */
@ApplicationScoped
public class DataplaneSelector {
    private static final Logger LOG = Logger.getLogger(DataplaneSelector.class);
    /** The probe may load the ip_vs module, which takes up to 10 s. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(30);

    @Produces
    @ApplicationScoped
    @Startup(Interceptor.Priority.PLATFORM_BEFORE + 2)
    Dataplane dataplane(VippyConfig config, NetworkNamespace namespace, Instance<NftablesDataplane> nftables,
            Instance<IpvsDataplane> ipvs) {
        String choice = config.dataplane().trim().toLowerCase(java.util.Locale.ROOT);
        return switch (choice) {
            case "nftables" -> nftables(nftables);
            case "ipvs" -> {
                if (!kernelHasIpvs(namespace)) {
                    throw new InvalidConfigException("vippy.dataplane", "ipvs, but this kernel has no IPVS (nor could"
                            + " modprobe ip_vs load it); use auto or nftables");
                }
                yield ipvs.get();
            }
            case "auto" -> {
                boolean hasIpvs = kernelHasIpvs(namespace);
                LOG.infof("vippy.dataplane=auto: %s", hasIpvs ? "the kernel has IPVS, using it"
                        : "no IPVS in the kernel, using nftables");
                yield hasIpvs ? ipvs.get() : nftables(nftables);
            }
            default -> throw new InvalidConfigException("vippy.dataplane",
                    "must be auto, ipvs or nftables, not \"" + config.dataplane() + "\"");
        };
    }

    private static Dataplane nftables(Instance<NftablesDataplane> nftables) {
        try {
            NftablesDataplane.requireLibrary();
        } catch (NftablesUnavailableException e) {
            throw new InvalidConfigException("vippy.dataplane", "nftables cannot run here: " + e.getMessage());
        }
        return nftables.get();
    }

    /**
     * Asks the kernel for IPVS from inside the target namespace (a thread that entered it). Only "no such
     * family" means no IPVS; any other failure (EPERM...) stops start-up rather than quietly picking nftables.
     */
    static boolean kernelHasIpvs(NetworkNamespace namespace) {
        ExecutorService thread = Executors.newSingleThreadExecutor(namespace.threadFactory("vippy-ipvs-probe"));
        try {
            return thread.submit(IpvsDataplane::kernelHasIpvs).get(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new InvalidConfigException("vippy.dataplane", "auto cannot tell whether the kernel has IPVS ("
                    + namespace + "): " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw new InvalidConfigException("vippy.dataplane", "auto: the IPVS probe did not answer within "
                    + PROBE_TIMEOUT.toSeconds() + " s (" + namespace + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while looking for IPVS", e);
        } finally {
            thread.shutdown();
        }
    }
}
