package io.vippy.dataplane.nftables;

import io.vippy.core.ServiceKey;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the kernel holds for one service: its services-map verdict (the selector; null when there is no
 * element) and its backends-map elements, slot to backend. Equal values mean identical kernel state, so
 * diffing these is diffing the kernel. State read back from the kernel may be inconsistent (a slot
 * missing); the diff repairs it like any other difference.
 */
record ProgrammedService(ServiceKey key, Selector selector, Map<Integer, BackendAddress> slots) {

    ProgrammedService {
        slots = Map.copyOf(slots);
    }

    static ProgrammedService of(ServiceKey key, Selector selector, List<BackendAddress> slots) {
        Map<Integer, BackendAddress> bySlot = new TreeMap<>();
        for (int i = 0; i < slots.size(); i++) {
            bySlot.put(i, slots.get(i));
        }
        return new ProgrammedService(key, selector, bySlot);
    }
}
