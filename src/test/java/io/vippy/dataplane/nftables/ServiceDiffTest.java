package io.vippy.dataplane.nftables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vippy.core.ServiceKey;
import io.vippy.core.model.Protocol;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A change sends only that service's own elements, never a rule. */
class ServiceDiffTest {
    private static final ServiceKey WEB = new ServiceKey(LbTopology.VIP, Protocol.TCP, 80);
    private static final BackendAddress BE1 = new BackendAddress(LbTopology.address("10.20.1.2"), 80);
    private static final BackendAddress BE2 = new BackendAddress(LbTopology.address("10.20.2.2"), 80);
    private static final BackendAddress BE3 = new BackendAddress(LbTopology.address("10.20.3.2"), 80);

    private static String diff(ProgrammedService before, ProgrammedService after) {
        NftTransaction tx = VippyRuleset.transaction(NftFamily.IP);
        ServiceDiff.queue(tx, before, after);
        return tx.toString();
    }

    @Test
    void aNewServiceAddsItsSlotsThenItsVerdict() {
        assertEquals("""
                add element ip vippy backends { 203.0.113.10 . tcp . 80 . 0 : 10.20.1.2 . 80, \
                203.0.113.10 . tcp . 80 . 1 : 10.20.2.2 . 80 }
                add element ip vippy services { 203.0.113.10 . tcp . 80 : goto numgen-2 }
                """, diff(null, ProgrammedService.of(WEB, Selector.numgen(2), List.of(BE1, BE2))));
    }

    @Test
    void addingABackendAddsOneSlotAndSwapsTheVerdict() {
        assertEquals("""
                delete element ip vippy services { 203.0.113.10 . tcp . 80 }
                add element ip vippy backends { 203.0.113.10 . tcp . 80 . 2 : 10.20.3.2 . 80 }
                add element ip vippy services { 203.0.113.10 . tcp . 80 : goto numgen-3 }
                """, diff(ProgrammedService.of(WEB, Selector.numgen(2), List.of(BE1, BE2)),
                ProgrammedService.of(WEB, Selector.numgen(3), List.of(BE1, BE2, BE3))));
    }

    @Test
    void replacingABackendInPlaceTouchesOnlyItsSlot() {
        assertEquals("""
                delete element ip vippy backends { 203.0.113.10 . tcp . 80 . 1 }
                add element ip vippy backends { 203.0.113.10 . tcp . 80 . 1 : 10.20.3.2 . 80 }
                """, diff(ProgrammedService.of(WEB, Selector.jhash(2), List.of(BE1, BE2)),
                ProgrammedService.of(WEB, Selector.jhash(2), List.of(BE1, BE3))));
    }

    @Test
    void removalDeletesTheVerdictAndEverySlotAndEqualStatesSendNothing() {
        ProgrammedService two = ProgrammedService.of(WEB, Selector.numgen(2), List.of(BE1, BE2));
        assertEquals("""
                delete element ip vippy services { 203.0.113.10 . tcp . 80 }
                delete element ip vippy backends { 203.0.113.10 . tcp . 80 . 0, 203.0.113.10 . tcp . 80 . 1 }
                """, diff(two, null));
        assertTrue(diff(two, ProgrammedService.of(WEB, Selector.numgen(2), List.of(BE1, BE2))).isEmpty());
    }

    @Test
    void aVerdictVippyDidNotWriteIsReplaced() {
        assertEquals(Selector.UNKNOWN, Selector.parseVerdict("jump somewhere-else"));
        assertEquals(Selector.numgen(3), Selector.parseVerdict("goto numgen-3"));
        assertEquals("""
                delete element ip vippy services { 203.0.113.10 . tcp . 80 }
                add element ip vippy services { 203.0.113.10 . tcp . 80 : goto numgen-2 }
                """, diff(ProgrammedService.of(WEB, Selector.UNKNOWN, List.of(BE1, BE2)),
                ProgrammedService.of(WEB, Selector.numgen(2), List.of(BE1, BE2))));
    }
}
