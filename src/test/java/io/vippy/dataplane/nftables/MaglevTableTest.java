package io.vippy.dataplane.nftables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class MaglevTableTest {
    private static final int SIZE = MaglevTable.DEFAULT_SIZE;

    private static List<MaglevTable.Weighted> backends(int count) {
        List<MaglevTable.Weighted> backends = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            backends.add(new MaglevTable.Weighted(
                    new BackendAddress(LbTopology.address("10.20." + i + ".2"), 80), 1));
        }
        return backends;
    }

    private static Map<BackendAddress, Integer> shares(List<BackendAddress> table) {
        Map<BackendAddress, Integer> shares = new TreeMap<>(java.util.Comparator.comparing(BackendAddress::toString));
        table.forEach(b -> shares.merge(b, 1, Integer::sum));
        return shares;
    }

    @Test
    void theTableDependsOnlyOnTheBackendsNotOnTheirOrder() {
        List<MaglevTable.Weighted> backends = backends(7);
        List<MaglevTable.Weighted> shuffled = new ArrayList<>(backends);
        Collections.reverse(shuffled);
        List<BackendAddress> table = MaglevTable.build(backends, SIZE);
        assertEquals(SIZE, table.size());
        assertEquals(table, MaglevTable.build(shuffled, SIZE), "another node, another order: the same table");
        // Pinned: a change of hash or algorithm would split flows between Vippy versions on different nodes.
        assertEquals(List.of("10.20.4.2:80", "10.20.4.2:80", "10.20.3.2:80", "10.20.1.2:80", "10.20.5.2:80"),
                table.subList(0, 5).stream().map(BackendAddress::toString).toList());
    }

    @Test
    void equalWeightsGetSharesWithinOneSlot() {
        for (int count : new int[] {1, 2, 3, 5, 10, 50}) {
            Map<BackendAddress, Integer> shares = shares(MaglevTable.build(backends(count), SIZE));
            int min = Collections.min(shares.values());
            int max = Collections.max(shares.values());
            assertEquals(count, shares.size());
            assertTrue(max - min <= 1, count + " backends: shares " + min + ".." + max);
        }
    }

    @Test
    void removingOneOfNMovesAboutOneNthOfTheSlots() {
        for (int count : new int[] {5, 10}) {
            List<MaglevTable.Weighted> all = backends(count);
            List<BackendAddress> before = MaglevTable.build(all, SIZE);
            BackendAddress removed = all.get(count / 2).backend();
            List<BackendAddress> after = MaglevTable.build(
                    all.stream().filter(b -> !b.backend().equals(removed)).toList(), SIZE);
            int moved = 0;
            int needless = 0;
            for (int slot = 0; slot < SIZE; slot++) {
                if (!before.get(slot).equals(after.get(slot))) {
                    moved++;
                    needless += before.get(slot).equals(removed) ? 0 : 1;
                }
            }
            double ideal = SIZE / (double) count;
            assertTrue(moved <= ideal * 1.25, count + " backends: " + moved + " slots moved, ideal " + ideal);
            assertTrue(needless <= SIZE / 40, count + " backends: " + needless + " slots of staying backends moved");
        }
    }

    @Test
    void weightsScaleSharesAndZeroWeightDrains() {
        List<MaglevTable.Weighted> backends = new ArrayList<>(backends(3));
        backends.set(0, new MaglevTable.Weighted(backends.get(0).backend(), 2));
        backends.set(2, new MaglevTable.Weighted(backends.get(2).backend(), 0));
        Map<BackendAddress, Integer> shares = shares(MaglevTable.build(backends, SIZE));
        assertEquals(2, shares.size(), "weight 0 gets no slot");
        int heavy = shares.get(backends.get(0).backend());
        assertTrue(Math.abs(heavy - 2 * SIZE / 3) <= 2, "weight 2 of 3 gets two thirds: " + shares);
        assertEquals(List.of(), MaglevTable.build(List.of(backends.get(2)), SIZE), "nothing to hash to");
    }
}
