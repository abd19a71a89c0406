package io.vippy.address.staticpool;

import io.smallrye.mutiny.Uni;
import io.vippy.core.AddressProvider;
import io.vippy.core.model.Addresses;
import io.vippy.core.model.InvalidConfigException;
import io.vippy.core.model.IpFamily;
import io.vippy.core.model.LoadBalancer;
import io.vippy.core.model.PermanentFailure;
import io.vippy.core.model.ValidationException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Hands out addresses from configured CIDRs, lowest free first. What is held is known from the stored load
 * balancers ({@link #restore}), so the pool needs no storage of its own and never hands an address out twice.
 */
public final class StaticPoolAddressProvider implements AddressProvider {
    private static final Logger LOG = Logger.getLogger(StaticPoolAddressProvider.class);

    private final List<Cidr> pool;
    private final Map<UUID, InetAddress> held = new HashMap<>();
    private final Map<InetAddress, UUID> holders = new HashMap<>();

    public StaticPoolAddressProvider(String poolSpec) {
        this.pool = parsePool(poolSpec);
        if (StaticPoolConfig.DOCUMENTATION_POOL.equals(poolSpec)) {
            LOG.warn("vippy.static.pool is not set: handing out documentation addresses (" + poolSpec
                    + "), which the internet does not route; set it to your own prefixes");
        }
    }

    private static List<Cidr> parsePool(String spec) {
        List<Cidr> cidrs = new ArrayList<>();
        for (String part : spec.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            try {
                cidrs.add(Cidr.parse(part));
            } catch (ValidationException e) {
                throw new InvalidConfigException("vippy.static.pool", e.getMessage());
            }
        }
        if (cidrs.isEmpty()) {
            throw new InvalidConfigException("vippy.static.pool", "needs at least one CIDR, such as 203.0.113.0/24");
        }
        return List.copyOf(cidrs);
    }

    @Override
    public String name() {
        return "static";
    }

    @Override
    public Uni<InetAddress> allocate(UUID loadBalancer, IpFamily family) {
        return Uni.createFrom().item(() -> allocateNow(loadBalancer, family));
    }

    private synchronized InetAddress allocateNow(UUID loadBalancer, IpFamily family) {
        InetAddress existing = held.get(loadBalancer);
        if (existing != null) {
            return existing;
        }
        InetAddress free = firstFree(family).orElseThrow(() -> new PermanentFailure("the static pool has no free "
                + (family == IpFamily.IPV4 ? "IPv4" : "IPv6") + " address left (vippy.static.pool = " + pool + ")"));
        hold(loadBalancer, free);
        return free;
    }

    private Optional<InetAddress> firstFree(IpFamily family) {
        for (Cidr cidr : pool) {
            if (cidr.family() != family) {
                continue;
            }
            // Bounded by the number held plus one: every step past a taken address.
            for (BigInteger candidate = cidr.first(); candidate.compareTo(cidr.last()) <= 0;
                    candidate = candidate.add(BigInteger.ONE)) {
                InetAddress address = cidr.addressAt(candidate);
                if (!holders.containsKey(address)) {
                    return Optional.of(address);
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public Uni<Void> release(UUID loadBalancer, InetAddress address) {
        return Uni.createFrom().item(() -> {
            synchronized (this) {
                if (loadBalancer.equals(holders.get(address))) {
                    holders.remove(address);
                    held.remove(loadBalancer);
                }
            }
            return null;
        });
    }

    @Override
    public Uni<Void> restore(Collection<LoadBalancer> stored) {
        return Uni.createFrom().item(() -> {
            synchronized (this) {
                held.clear();
                holders.clear();
                for (LoadBalancer lb : stored) {
                    lb.addressIfAllocated().ifPresent(address -> {
                        if (pool.stream().noneMatch(c -> c.contains(address))) {
                            LOG.warnf("load balancer %s holds %s, which is outside vippy.static.pool %s; it keeps it",
                                    lb.uuid(), Addresses.format(address), pool);
                        }
                        hold(lb.uuid(), address);
                    });
                }
            }
            return null;
        });
    }

    private void hold(UUID loadBalancer, InetAddress address) {
        held.put(loadBalancer, address);
        holders.put(address, loadBalancer);
    }

    @Override
    public String toString() {
        return "static pool " + Arrays.toString(pool.toArray());
    }
}
