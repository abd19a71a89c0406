package io.vippy.address.metal;

import io.vippy.address.metal.api.MetalClient;
import io.vippy.address.metal.api.MetalRetryPolicy;
import io.vippy.core.model.InvalidConfigException;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * The Metal settings and client shared by the address provider and BGP discovery. Built on first use, so
 * a Vippy using the static pool never needs (or checks) Metal credentials.
 */
@ApplicationScoped
public class MetalEnvironment {
    private static final Logger LOG = Logger.getLogger(MetalEnvironment.class);

    private final MetalConfig config;
    private MetalCredentials credentials;
    private MetalClient client;

    MetalEnvironment(MetalConfig config) {
        this.config = config;
    }

    /** Token and project, checked: a missing one fails with one line naming the variable. */
    public synchronized MetalCredentials credentials() {
        if (credentials == null) {
            credentials = MetalCredentials.from(ConfigProvider.getConfig());
        }
        return credentials;
    }

    public synchronized MetalClient client() {
        if (client == null) {
            MetalCredentials checked = credentials();
            LOG.info("Creating Equinix Metal Client");
            MetalConfig.Retry retry = config.retry();
            client = MetalClient.create(config.apiUrl(), config.metadataUrl(), checked.token(),
                    config.requestTimeout(), new MetalRetryPolicy(retry.maxAttempts(), retry.initialBackoff(),
                            retry.maxBackoff(), retry.maxRateLimitWait()),
                    config.pageSize());
        }
        return client;
    }

    public MetalReservationSettings reservationSettings() {
        MetalCredentials checked = credentials();
        checked.requireLocation();
        return new MetalReservationSettings(checked.project(), checked.metro(), checked.facility(),
                config.clusterId().orElseGet(MetalEnvironment::localHostname), config.orphanPolicy(),
                config.orphanScanInterval());
    }

    public String hostname() {
        return config.hostname().orElseGet(MetalEnvironment::localHostname);
    }

    /** The kernel's host name (what Metal set at provisioning), without a DNS lookup where possible. */
    static String localHostname() {
        try {
            String kernel = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
            if (!kernel.isEmpty()) {
                return kernel;
            }
        } catch (IOException notLinux) {
            LOG.debug("No /proc/sys/kernel/hostname; asking the resolver for the host name");
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            throw new InvalidConfigException("vippy.metal.hostname", "is not set and this host's name is unknown (" + e.getMessage() + ")");
        }
    }
}
