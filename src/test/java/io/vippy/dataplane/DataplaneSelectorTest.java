package io.vippy.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vippy.core.Dataplane;
import io.vippy.core.VippyConfig;
import io.vippy.core.model.InvalidConfigException;
import io.vippy.dataplane.ipvs.IpvsDataplane;
import io.vippy.dataplane.nftables.NftablesDataplane;
import io.vippy.netlink.NetworkNamespace;
import jakarta.enterprise.inject.Instance;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DataplaneSelectorTest {
    private final NftablesDataplane nftables = new NftablesDataplane();
    private final IpvsDataplane ipvs = new IpvsDataplane(() -> true);

    private Dataplane select(String choice) {
        VippyConfig config = (VippyConfig) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {VippyConfig.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "dataplane" -> choice;
                    case "netns", "provider" -> Optional.empty();
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return new DataplaneSelector().dataplane(config, NetworkNamespace.current(), instance(nftables), instance(ipvs));
    }

    /** An {@link Instance} that only gives {@code bean}: the selector asks for nothing else. */
    @SuppressWarnings("unchecked")
    private <T> Instance<T> instance(T bean) {
        return (Instance<T>) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Instance.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("get")) {
                        return bean;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void nftablesAndAutoWithoutIpvsPickNftables() {
        assertSame(nftables, select("nftables"));
        assertSame(nftables, select(" NFTables "));
        if (!Files.exists(Path.of("/proc/net/ip_vs"))) {
            assertSame(nftables, select("auto"), "this kernel has no IPVS");
        }
    }

    @Test
    void ipvsWhenAskedForAndUnknownValuesNameTheProperty() {
        if (Files.exists(Path.of("/proc/net/ip_vs"))) {
            assertSame(ipvs, select("ipvs"));
        } else {
            InvalidConfigException noIpvs = assertThrows(InvalidConfigException.class, () -> select("ipvs"));
            assertTrue(noIpvs.getMessage().startsWith("vippy.dataplane: ipvs, but this kernel has no IPVS"),
                    noIpvs.getMessage());
        }
        InvalidConfigException bad = assertThrows(InvalidConfigException.class, () -> select("ebpf"));
        assertEquals("vippy.dataplane: must be auto, ipvs or nftables, not \"ebpf\"", bad.getMessage());
    }
}
