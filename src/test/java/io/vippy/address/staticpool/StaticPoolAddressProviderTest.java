package io.vippy.address.staticpool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vippy.core.model.HealthCheckSpec;
import io.vippy.core.model.InvalidConfigException;
import io.vippy.core.model.IpFamily;
import io.vippy.core.model.LoadBalancer;
import io.vippy.core.model.LoadBalancerStatus;
import io.vippy.core.model.PermanentFailure;
import io.vippy.core.model.Protocol;
import io.vippy.core.model.Scheduler;
import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class StaticPoolAddressProviderTest {

    private static InetAddress allocate(StaticPoolAddressProvider pool, UUID lb, IpFamily family) {
        return pool.allocate(lb, family).await().indefinitely();
    }

    private static InetAddress ip(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    @Test
    void handsOutIpv4LowestFirstSkippingNetworkAndBroadcast() throws Exception {
        StaticPoolAddressProvider pool = new StaticPoolAddressProvider("192.0.2.0/30");
        assertEquals(ip("192.0.2.1"), allocate(pool, UUID.randomUUID(), IpFamily.IPV4));
        assertEquals(ip("192.0.2.2"), allocate(pool, UUID.randomUUID(), IpFamily.IPV4));
        PermanentFailure full = assertThrows(PermanentFailure.class,
                () -> allocate(pool, UUID.randomUUID(), IpFamily.IPV4));
        assertTrue(full.getMessage().contains("no free IPv4 address"), full.getMessage());
    }

    @Test
    void neverHandsOutAnAddressTwiceAndReusesReleasedOnes() throws Exception {
        StaticPoolAddressProvider pool = new StaticPoolAddressProvider("198.51.100.0/24");
        Set<InetAddress> seen = new HashSet<>();
        UUID first = UUID.randomUUID();
        InetAddress firstAddress = allocate(pool, first, IpFamily.IPV4);
        seen.add(firstAddress);
        for (int i = 0; i < 253; i++) {
            assertTrue(seen.add(allocate(pool, UUID.randomUUID(), IpFamily.IPV4)), "handed out twice");
        }
        assertThrows(PermanentFailure.class, () -> allocate(pool, UUID.randomUUID(), IpFamily.IPV4));
        pool.release(first, firstAddress).await().indefinitely();
        assertEquals(firstAddress, allocate(pool, UUID.randomUUID(), IpFamily.IPV4));
    }

    @Test
    void allocateIsIdempotentPerLoadBalancer() {
        StaticPoolAddressProvider pool = new StaticPoolAddressProvider("203.0.113.0/24");
        UUID lb = UUID.randomUUID();
        assertEquals(allocate(pool, lb, IpFamily.IPV4), allocate(pool, lb, IpFamily.IPV4));
    }

    @Test
    void ipv6FromItsOwnPrefix() throws Exception {
        StaticPoolAddressProvider pool = new StaticPoolAddressProvider("203.0.113.0/24, 2001:db8:ffff::/112");
        assertEquals(ip("2001:db8:ffff::1"), allocate(pool, UUID.randomUUID(), IpFamily.IPV6));
        assertEquals(ip("2001:db8:ffff::2"), allocate(pool, UUID.randomUUID(), IpFamily.IPV6));
        assertEquals(ip("203.0.113.1"), allocate(pool, UUID.randomUUID(), IpFamily.IPV4));
    }

    @Test
    void missingFamilyIsAPermanentFailure() {
        StaticPoolAddressProvider pool = new StaticPoolAddressProvider("203.0.113.0/24");
        assertThrows(PermanentFailure.class, () -> allocate(pool, UUID.randomUUID(), IpFamily.IPV6));
    }

    @Test
    void restoreMarksStoredAddressesAsTaken() throws Exception {
        StaticPoolAddressProvider pool = new StaticPoolAddressProvider("203.0.113.0/29");
        UUID held = UUID.randomUUID();
        LoadBalancer stored = new LoadBalancer(held, "web", 80, Protocol.TCP, Scheduler.RR, IpFamily.IPV4,
                HealthCheckSpec.DEFAULT, ip("203.0.113.1"), List.of(), LoadBalancerStatus.ACTIVE, "");
        pool.restore(List.of(stored)).await().indefinitely();
        assertEquals(ip("203.0.113.1"), allocate(pool, held, IpFamily.IPV4));
        assertEquals(ip("203.0.113.2"), allocate(pool, UUID.randomUUID(), IpFamily.IPV4));
    }

    @Test
    void badPoolsNameTheProperty() {
        for (String bad : List.of("", "10.0.0.0", "10.0.0.1/24", "10.0.0.0/33", "2001:db8::/129", "bogus/8")) {
            InvalidConfigException e = assertThrows(InvalidConfigException.class,
                    () -> new StaticPoolAddressProvider(bad), bad);
            assertTrue(e.getMessage().startsWith("vippy.static.pool: "), e.getMessage());
        }
    }
}
