package io.vippy.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vippy.core.Dataplane;
import io.vippy.core.VippyConfig;
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

    private Dataplane select(String choice) {
        VippyConfig config = (VippyConfig) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {VippyConfig.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "dataplane" -> choice;
                    case "netns", "provider" -> Optional.empty();
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        @SuppressWarnings("unchecked")
        Instance<NftablesDataplane> instance = (Instance<NftablesDataplane>) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {Instance.class}, (proxy, method, args) -> {
                    if (method.getName().equals("get")) {
                        return nftables;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        return new DataplaneSelector().dataplane(config, NetworkNamespace.current(), instance);
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
    void ipvsIsNotAvailableYetAndUnknownValuesNameTheProperty() {
        IllegalStateException ipvs = assertThrows(IllegalStateException.class, () -> select("ipvs"));
        assertEquals("vippy.dataplane=ipvs: the IPVS dataplane is not available in this build", ipvs.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> select("ebpf"));
        assertEquals("vippy.dataplane must be auto, ipvs or nftables, not \"ebpf\"", bad.getMessage());
    }
}
