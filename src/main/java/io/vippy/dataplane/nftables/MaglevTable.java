package io.vippy.dataplane.nftables;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Maglev consistent hashing (Eisenbud et al., NSDI 2016): a lookup table of a prime size in which every
 * backend fills slots in the order of its own permutation, taking turns. Each backend gets an almost equal
 * share, and removing one of N backends moves about 1/N of the slots.
 *
 * <p>The permutation depends only on the backend's address and port (SHA-256), never on the JVM or the
 * order backends were added, so every Vippy node builds the same table and, with the same jhash seed in
 * the kernel, sends a flow to the same backend.
 */
final class MaglevTable {
    /**
     * 1,021 slots (prime): large against the backend counts Vippy serves (M/N >= 10 up to 100 backends keeps
     * disruption close to the ideal 1/N and shares within 1 slot), small enough that a rebuild after a
     * backend change is a few hundred map elements in one transaction. The paper's 65,537 would make every
     * mh service 65,537 kernel elements.
     */
    static final int DEFAULT_SIZE = 1021;

    record Weighted(BackendAddress backend, int weight) {
    }

    private MaglevTable() {
    }

    /** The table: slot index to backend. Backends with weight 0 get no slot; no backend gives an empty table. */
    static List<BackendAddress> build(List<Weighted> backends, int size) {
        List<Weighted> active = backends.stream().filter(b -> b.weight() > 0)
                .sorted(Comparator.comparing(b -> b.backend().toString())).toList();
        if (active.isEmpty()) {
            return List.of();
        }
        int n = active.size();
        long[] offset = new long[n];
        long[] skip = new long[n];
        int[] turns = turns(active);
        for (int i = 0; i < n; i++) {
            long[] hashes = hashes(active.get(i).backend().toString());
            offset[i] = Math.floorMod(hashes[0], size);
            skip[i] = Math.floorMod(hashes[1], size - 1) + 1;
        }
        int[] entry = new int[size];
        Arrays.fill(entry, -1);
        long[] next = new long[n];
        int filled = 0;
        while (true) {
            for (int i = 0; i < n; i++) {
                for (int turn = 0; turn < turns[i]; turn++) {
                    int slot = (int) ((offset[i] + next[i] * skip[i]) % size);
                    while (entry[slot] >= 0) {
                        next[i]++;
                        slot = (int) ((offset[i] + next[i] * skip[i]) % size);
                    }
                    entry[slot] = i;
                    next[i]++;
                    if (++filled == size) {
                        return toBackends(entry, active);
                    }
                }
            }
        }
    }

    /** Weighted Maglev: per round a backend takes weight/gcd turns (as IPVS's mh does). */
    private static int[] turns(List<Weighted> active) {
        int gcd = 0;
        for (Weighted backend : active) {
            gcd = gcd(gcd, backend.weight());
        }
        int[] turns = new int[active.size()];
        for (int i = 0; i < turns.length; i++) {
            turns[i] = active.get(i).weight() / gcd;
        }
        return turns;
    }

    static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    private static List<BackendAddress> toBackends(int[] entry, List<Weighted> active) {
        List<BackendAddress> table = new ArrayList<>(entry.length);
        for (int index : entry) {
            table.add(active.get(index).backend());
        }
        return table;
    }

    private static long[] hashes(String name) {
        try {
            ByteBuffer digest = ByteBuffer.wrap(MessageDigest.getInstance("SHA-256")
                    .digest(name.getBytes(StandardCharsets.UTF_8)));
            return new long[] {digest.getLong(0), digest.getLong(8)};
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
