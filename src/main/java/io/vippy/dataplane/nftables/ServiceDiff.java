package io.vippy.dataplane.nftables;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Queues the element changes that turn one service's kernel state into another, kube-proxy style: only
 * the slots that differ are deleted and re-added (nft 1.0.6 has no element replace; delete + add in one
 * transaction is atomic), and the services-map verdict is replaced only when the selector changed.
 * Either side may be null: null before means a new service, null after a removal.
 */
final class ServiceDiff {
    private ServiceDiff() {
    }

    static void queue(NftTransaction tx, ProgrammedService before, ProgrammedService after) {
        if (Objects.equals(before, after)) {
            return;
        }
        var key = before != null ? before.key() : after.key();
        Selector oldSelector = before == null ? null : before.selector();
        Selector newSelector = after == null ? null : after.selector();
        Map<Integer, BackendAddress> oldSlots = before == null ? Map.of() : before.slots();
        Map<Integer, BackendAddress> newSlots = after == null ? Map.of() : after.slots();
        boolean selectorChanged = !Objects.equals(oldSelector, newSelector);

        if (selectorChanged && oldSelector != null) {
            tx.deleteElements(VippyRuleset.SERVICES, List.of(VippyRuleset.serviceElement(key, null)));
        }
        List<NftTransaction.Element> deletes = new ArrayList<>();
        List<NftTransaction.Element> adds = new ArrayList<>();
        new TreeMap<>(oldSlots).forEach((slot, backend) -> {
            if (!backend.equals(newSlots.get(slot))) {
                deletes.add(VippyRuleset.slotElement(key, slot, null));
            }
        });
        new TreeMap<>(newSlots).forEach((slot, backend) -> {
            if (!backend.equals(oldSlots.get(slot))) {
                adds.add(VippyRuleset.slotElement(key, slot, backend));
            }
        });
        tx.deleteElements(VippyRuleset.BACKENDS, deletes);
        tx.addElements(VippyRuleset.BACKENDS, adds);
        if (selectorChanged && newSelector != null) {
            tx.addElements(VippyRuleset.SERVICES, List.of(VippyRuleset.serviceElement(key, newSelector)));
        }
    }
}
