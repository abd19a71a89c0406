package io.vippy.address.metal;

import io.smallrye.mutiny.Uni;
import io.vippy.address.metal.api.BgpNeighborData;
import io.vippy.address.metal.api.Device;
import io.vippy.address.metal.api.MetalClient;
import io.vippy.core.BgpNeighbor;
import io.vippy.core.BgpNeighborDiscovery;
import io.vippy.core.model.Addresses;
import io.vippy.core.model.PermanentFailure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * This device's BGP neighbours, from Equinix Metal: find the device (the metadata service's {@code id},
 * else the project's device with our host name), enable its IPv4 BGP session if it has none (neighbours
 * appear only then), and turn each neighbour entry into one {@link BgpNeighbor} per peer address.
 */
@ApplicationScoped
public class MetalBgpDiscovery implements BgpNeighborDiscovery {
    private static final Logger LOG = Logger.getLogger(MetalBgpDiscovery.class);
    static final int BGP_PORT = 179;
    /** What Metal's own BIRD templates use for multihop peers (network-helpers). */
    static final int MULTIHOP_TTL = 5;
    static final int HOLD_TIME_SECONDS = 90;

    /** Where to look: resolved on first use, so a non-Metal Vippy needs no Metal settings. */
    public record Target(MetalClient client, String project, String hostname) {
    }

    private final Supplier<Optional<Target>> target;

    @Inject
    MetalBgpDiscovery(MetalEnvironment environment) {
        this(() -> MetalCredentials.tokenConfigured(ConfigProvider.getConfig())
                ? Optional.of(new Target(environment.client(), environment.credentials().project(),
                        environment.hostname()))
                : Optional.empty());
    }

    public MetalBgpDiscovery(Supplier<Optional<Target>> target) {
        this.target = target;
    }

    @Override
    public Uni<List<BgpNeighbor>> discover() {
        Optional<Target> where = target.get();
        if (where.isEmpty()) {
            LOG.info("No Equinix Metal token: no BGP neighbours to discover");
            return Uni.createFrom().item(List.of());
        }
        MetalClient client = where.get().client();
        return findDevice(where.get()).chain(device -> {
            LOG.infof("Querying BGP settings for [%s]", device.hostname());
            return client.enableBgpSession(device.id(), "ipv4")
                    .invoke(created -> LOG.infof(created ? "Enabled the IPv4 BGP session of [%s]"
                            : "The IPv4 BGP session of [%s] is enabled", device.hostname()))
                    .chain(() -> client.bgpNeighbors(device.id()))
                    .map(entries -> neighbors(device, entries));
        });
    }

    /** The metadata service knows who we are; off Metal (or when it fails) match the host name instead. */
    private Uni<Device> findDevice(Target where) {
        return where.client().metadata()
                .map(metadata -> new Device(metadata.id(), metadata.hostname(), "active"))
                .onFailure().recoverWithUni(failure -> {
                    LOG.infof("The metadata service did not answer (%s); looking for device [%s] in project %s",
                            failure.getMessage(), where.hostname(), where.project());
                    return where.client().listDevices(where.project(), where.hostname())
                            .map(devices -> devices.stream()
                                    .filter(d -> where.hostname().equals(d.hostname()))
                                    .findFirst()
                                    .orElseThrow(() -> new PermanentFailure("Equinix Metal project " + where.project()
                                            + " has no device named " + where.hostname()
                                            + "; set vippy.metal.hostname to this device's name")));
                });
    }

    static List<BgpNeighbor> neighbors(Device device, List<BgpNeighborData> entries) {
        if (entries.isEmpty()) {
            LOG.warnf("Equinix Metal lists no BGP neighbours for [%s]; enable BGP on the project", device.hostname());
        }
        Optional<InetAddress> routerId = entries.stream()
                .filter(e -> e.addressFamily() == 4 && e.customerIp() != null)
                .map(e -> Addresses.parseLiteral(e.customerIp(), "customer_ip"))
                .filter(Inet4Address.class::isInstance)
                .findFirst();
        List<BgpNeighbor> neighbors = new ArrayList<>();
        for (BgpNeighborData entry : entries) {
            Optional<InetAddress> source = Optional.ofNullable(entry.customerIp())
                    .map(ip -> Addresses.parseLiteral(ip, "customer_ip"));
            Optional<String> password = entry.md5Enabled()
                    ? Optional.ofNullable(entry.md5Password()).filter(p -> !p.isEmpty())
                    : Optional.empty();
            for (String peer : entry.peerIps()) {
                LOG.infof("Add a peer configuration for:%s", peer);
                neighbors.add(new BgpNeighbor(Addresses.parseLiteral(peer, "peer_ips"), BGP_PORT, entry.peerAs(),
                        entry.customerAs(), routerId, source, password, entry.multihop() ? MULTIHOP_TTL : 0,
                        HOLD_TIME_SECONDS));
            }
        }
        return List.copyOf(neighbors);
    }
}
