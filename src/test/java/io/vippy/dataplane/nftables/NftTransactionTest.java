package io.vippy.dataplane.nftables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The transaction's text is exactly the nft script that is sent. */
class NftTransactionTest {

    @Test
    void rendersEveryOperationAsOneNftCommandPerLine() {
        NftTransaction tx = new NftTransaction(NftFamily.IP, "vippy")
                .addTable()
                .addMap(new NftTransaction.MapSpec("services", "ipv4_addr . inet_proto . inet_service", false,
                        "verdict", true))
                .addMap(new NftTransaction.MapSpec("backends", "ip daddr . numgen inc mod 2", true,
                        "ip daddr . th dport", false))
                .addBaseChain("prerouting", new NftTransaction.Hook("nat", "prerouting", -100))
                .flushChain("prerouting")
                .addRule("prerouting", "ct state new ip daddr . meta l4proto . th dport vmap @services")
                .addChain("numgen-2")
                .addElements("services", List.of(new NftTransaction.Element(List.of("203.0.113.10", "tcp", "80"),
                        "goto numgen-2")))
                .deleteElements("backends", List.of(
                        new NftTransaction.Element(List.of("203.0.113.10", "tcp", "80", "0"), "10.0.0.1 . 80"),
                        new NftTransaction.Element(List.of("203.0.113.10", "tcp", "80", "1"), null)))
                .flushMap("backends")
                .deleteMap("backends")
                .deleteChain("numgen-2")
                .deleteTable();
        assertEquals("""
                add table ip vippy
                add map ip vippy services { type ipv4_addr . inet_proto . inet_service : verdict ; counter ; }
                add map ip vippy backends { typeof ip daddr . numgen inc mod 2 : ip daddr . th dport ; }
                add chain ip vippy prerouting { type nat hook prerouting priority -100 ; policy accept ; }
                flush chain ip vippy prerouting
                add rule ip vippy prerouting ct state new ip daddr . meta l4proto . th dport vmap @services
                add chain ip vippy numgen-2
                add element ip vippy services { 203.0.113.10 . tcp . 80 : goto numgen-2 }
                delete element ip vippy backends { 203.0.113.10 . tcp . 80 . 0, 203.0.113.10 . tcp . 80 . 1 }
                flush map ip vippy backends
                delete map ip vippy backends
                delete chain ip vippy numgen-2
                delete table ip vippy
                """, tx.toString());
    }

    @Test
    void ip6TablesAndEmptyElementListsAddNothingElse() {
        NftTransaction tx = new NftTransaction(NftFamily.IP6, "vippy")
                .addElements("services", List.of())
                .deleteElements("services", List.of());
        assertTrue(tx.isEmpty(), "empty element lists queue no command");
        assertEquals("add table ip6 vippy\n", tx.addTable().toString());
    }
}
