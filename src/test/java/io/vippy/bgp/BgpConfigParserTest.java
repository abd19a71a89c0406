package io.vippy.bgp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vippy.core.BgpNeighbor;
import io.vippy.core.model.InvalidConfigException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BgpConfigParserTest {

    /** A {@link BgpConfig} with the defaults of its annotations, to override per test. */
    record Config(Optional<Long> localAs, Optional<String> peers, int holdTime, Optional<String> communities)
            implements BgpConfig {
        static Config peers(String peers) {
            return new Config(Optional.of(65000L), Optional.of(peers), 90, Optional.empty());
        }

        @Override
        public boolean enabled() {
            return true;
        }

        @Override
        public Optional<String> routerId() {
            return Optional.of("10.0.0.2");
        }

        @Override
        public Optional<String> sourceAddress() {
            return Optional.empty();
        }

        @Override
        public Optional<String> password() {
            return Optional.of("s3cret");
        }

        @Override
        public int multihop() {
            return 2;
        }

        @Override
        public int gracefulRestartTime() {
            return 120;
        }
    }

    @Test
    void parsesIpv4WithAndWithoutPortAndBracketedIpv6() {
        List<BgpNeighbor> neighbors = BgpConfigParser.neighbors(
                Config.peers("169.254.255.1@65530, 169.254.255.2:1179@65530,[2604:1380::1]:179@4200000000"));
        assertEquals(List.of("169.254.255.1:179@65530", "169.254.255.2:1179@65530", "2604:1380:0:0:0:0:0:1:179@4200000000"),
                neighbors.stream().map(n -> n.peerAddress().getHostAddress() + ":" + n.peerPort() + "@" + n.peerAsn()).toList());
        BgpNeighbor first = neighbors.get(0);
        assertEquals(65000, first.localAsn());
        assertEquals(Optional.of("s3cret"), first.md5Password());
        assertEquals(2, first.multihopTtl());
        assertEquals(90, first.holdTimeSeconds());
        assertEquals("10.0.0.2", first.routerId().orElseThrow().getHostAddress());
    }

    @Test
    void noPeersIsNoNeighbours() {
        assertEquals(List.of(), BgpConfigParser.neighbors(new Config(Optional.empty(), Optional.empty(), 90, Optional.empty())));
    }

    @Test
    void mistakesNameTheirProperty() {
        assertProperty("vippy.bgp.peers", Config.peers("169.254.255.1"));
        assertProperty("vippy.bgp.peers", Config.peers("tor.example.com@65530"));
        assertProperty("vippy.bgp.peers", Config.peers("2604:1380::1@65530"));
        assertProperty("vippy.bgp.peers", Config.peers("169.254.255.1:70000@65530"));
        assertProperty("vippy.bgp.hold-time", new Config(Optional.of(65000L), Optional.of("10.0.0.1@1"), 2, Optional.empty()));
        assertProperty("vippy.bgp.local-as", new Config(Optional.empty(), Optional.of("10.0.0.1@1"), 90, Optional.empty()));
        assertEquals("vippy.bgp.communities", assertThrows(InvalidConfigException.class, () -> BgpConfigParser.options(
                new Config(Optional.empty(), Optional.empty(), 90, Optional.of("65000:70000")))).property());
    }

    @Test
    void communitiesAreAsnShiftedBy16PlusValue() {
        assertEquals(List.of(0xfde80064L, 0xfffffff0L), BgpConfigParser.options(
                new Config(Optional.empty(), Optional.empty(), 90, Optional.of("65000:100, 65535:65520"))).communities());
    }

    private static void assertProperty(String property, BgpConfig config) {
        InvalidConfigException error = assertThrows(InvalidConfigException.class, () -> BgpConfigParser.neighbors(config));
        assertEquals(property, error.property(), error.getMessage());
    }
}
