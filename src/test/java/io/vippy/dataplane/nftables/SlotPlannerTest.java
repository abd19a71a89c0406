package io.vippy.dataplane.nftables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vippy.core.RealServer;
import io.vippy.core.ServiceKey;
import io.vippy.core.VirtualService;
import io.vippy.core.model.PermanentFailure;
import io.vippy.core.model.Protocol;
import io.vippy.core.model.Scheduler;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlotPlannerTest {
    private static final ServiceKey WEB = new ServiceKey(LbTopology.VIP, Protocol.TCP, 80);

    private static RealServer real(int index, int weight) {
        return new RealServer(LbTopology.backendAddress(index), 80, weight);
    }

    private static List<String> slots(Scheduler scheduler, RealServer... reals) {
        ProgrammedService plan = SlotPlanner.plan(new VirtualService(WEB, scheduler, List.of(reals)));
        List<String> names = new ArrayList<>();
        for (int i = 0; i < plan.slots().size(); i++) {
            names.add(plan.slots().get(i).address().getHostAddress().split("\\.")[2]);
        }
        return names;
    }

    @Test
    void roundRobinGivesEachActiveBackendOneSlotInAStableOrder() {
        assertEquals(List.of("1", "2", "3"), slots(Scheduler.RR, real(3, 1), real(1, 5), real(2, 1)));
        assertEquals(List.of("1", "3"), slots(Scheduler.RR, real(3, 1), real(1, 1), real(2, 0)), "weight 0 drains");
        assertEquals(Selector.NONE, SlotPlanner.plan(new VirtualService(WEB, Scheduler.RR, List.of(real(1, 0))))
                .selector(), "no active backend: refuse");
    }

    @Test
    void weightedRoundRobinInterleavesSlotsInProportion() {
        assertEquals(List.of("3", "2", "1", "3", "2", "3"), slots(Scheduler.WRR, real(1, 1), real(2, 2), real(3, 3)));
        assertEquals(List.of("1", "2", "1"), slots(Scheduler.WRR, real(1, 200), real(2, 100)), "reduced by gcd");
    }

    @Test
    void hugeWeightsAreCappedAndEveryActiveBackendKeepsASlot() {
        List<String> slots = slots(Scheduler.WRR, real(1, 10_000), real(2, 1), real(3, 9_999));
        assertTrue(slots.size() <= SlotPlanner.MAX_WRR_SLOTS, "capped: " + slots.size());
        assertTrue(slots.contains("2"), "the light backend keeps one slot");
        long first = slots.stream().filter("1"::equals).count();
        long third = slots.stream().filter("3"::equals).count();
        assertTrue(Math.abs(first - third) <= 1, first + " vs " + third);
    }

    @Test
    void maglevFillsTheWholeTableAndUnsupportedSchedulersAreRefused() {
        assertEquals(MaglevTable.DEFAULT_SIZE, slots(Scheduler.MH, real(1, 1), real(2, 1)).size());
        assertThrows(IllegalArgumentException.class, () -> slots(Scheduler.LC, real(1, 1)));
        List<RealServer> many = new ArrayList<>();
        for (int i = 0; i <= VippyRuleset.MAX_NUMGEN_SLOTS; i++) {
            many.add(new RealServer(LbTopology.address("10.30." + (i / 200) + "." + (i % 200 + 1)), 80, 1));
        }
        assertThrows(PermanentFailure.class, () -> SlotPlanner.plan(new VirtualService(WEB, Scheduler.RR, many)));
    }
}
