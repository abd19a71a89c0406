package io.vippy.dataplane.nftables;

import io.vippy.core.RealServer;
import io.vippy.core.VirtualService;
import io.vippy.core.model.PermanentFailure;
import io.vippy.core.model.Scheduler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Turns a desired service into slots: round robin gives each backend that takes connections one slot,
 * weighted round robin gives it slots in proportion to its weight (interleaved, so that consecutive
 * connections spread), and mh a Maglev table. Weight 0 drains: no slot, so no new connections, while
 * conntrack keeps established ones going to the backend.
 */
final class SlotPlanner {
    /** Cap of weighted round robin slots: weights are scaled down to fit, each active backend keeping one. */
    static final int MAX_WRR_SLOTS = 256;

    private SlotPlanner() {
    }

    static boolean supports(Scheduler scheduler) {
        return scheduler == Scheduler.RR || scheduler == Scheduler.WRR || scheduler == Scheduler.MH;
    }

    static ProgrammedService plan(VirtualService service) {
        List<RealServer> active = service.reals().stream().filter(r -> r.weight() > 0)
                .sorted(Comparator.comparing((RealServer r) -> BackendAddress.of(r).toString())).toList();
        return switch (service.scheduler()) {
            case RR -> numgen(service, active.stream().map(BackendAddress::of).toList());
            case WRR -> numgen(service, weighted(active));
            case MH -> {
                List<BackendAddress> table = MaglevTable.build(active.stream()
                        .map(r -> new MaglevTable.Weighted(BackendAddress.of(r), r.weight())).toList(),
                        MaglevTable.DEFAULT_SIZE);
                yield ProgrammedService.of(service.key(), Selector.jhash(table.size()), table);
            }
            default -> throw new IllegalArgumentException("nftables cannot schedule " + service.scheduler().wireName());
        };
    }

    private static ProgrammedService numgen(VirtualService service, List<BackendAddress> slots) {
        if (slots.size() > VippyRuleset.MAX_NUMGEN_SLOTS) {
            throw new PermanentFailure(service.key() + ": the nftables dataplane balances at most "
                    + VippyRuleset.MAX_NUMGEN_SLOTS + " backends round robin, not " + slots.size());
        }
        return ProgrammedService.of(service.key(), Selector.numgen(slots.size()), slots);
    }

    /** Smooth weighted round robin (as nginx does it) over weights reduced by their gcd and capped. */
    static List<BackendAddress> weighted(List<RealServer> active) {
        int[] weights = scaledWeights(active);
        int total = Arrays.stream(weights).sum();
        int[] current = new int[weights.length];
        List<BackendAddress> slots = new ArrayList<>(total);
        for (int slot = 0; slot < total; slot++) {
            int best = 0;
            for (int i = 0; i < weights.length; i++) {
                current[i] += weights[i];
                if (current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= total;
            slots.add(BackendAddress.of(active.get(best)));
        }
        return slots;
    }

    private static int[] scaledWeights(List<RealServer> active) {
        int gcd = 0;
        long sum = 0;
        for (RealServer real : active) {
            gcd = MaglevTable.gcd(gcd, real.weight());
        }
        int[] weights = new int[active.size()];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = active.get(i).weight() / gcd;
            sum += weights[i];
        }
        if (sum > MAX_WRR_SLOTS) {
            for (int i = 0; i < weights.length; i++) {
                weights[i] = (int) Math.max(1, weights[i] * (MAX_WRR_SLOTS - weights.length) / sum);
            }
        }
        return weights;
    }
}
