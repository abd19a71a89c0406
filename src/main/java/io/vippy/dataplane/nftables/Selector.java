package io.vippy.dataplane.nftables;

/**
 * How a service's first packet picks a slot: {@code numgen inc mod N} (round robin over slots), a
 * {@code jhash} of the 5-tuple mod M (Maglev), or no backend at all (refuse). Each selector is one shared
 * chain per table, so the number of chains stays small however many services exist: libnftables lists
 * every chain before each transaction, and per-service chains made that cost grow with the service count.
 */
record Selector(Kind kind, int modulus) {
    enum Kind {
        NUMGEN, JHASH, NONE
    }

    static final Selector NONE = new Selector(Kind.NONE, 0);
    /** A services-map verdict Vippy did not write: it differs from every plan, so the diff replaces it. */
    static final Selector UNKNOWN = new Selector(Kind.NONE, -1);

    Selector {
        if (kind != Kind.NONE && modulus < 1) {
            throw new IllegalArgumentException("selector modulus must be at least 1, not " + modulus);
        }
    }

    static Selector numgen(int slots) {
        return slots == 0 ? NONE : new Selector(Kind.NUMGEN, slots);
    }

    static Selector jhash(int slots) {
        return slots == 0 ? NONE : new Selector(Kind.JHASH, slots);
    }

    /** The shared chain that does this selection, such as {@code numgen-3} or {@code jhash-1021}. */
    String chainName() {
        if (kind == Kind.NONE) {
            throw new IllegalStateException("a service without backends has no selector chain");
        }
        return kind.name().toLowerCase(java.util.Locale.ROOT) + "-" + modulus;
    }

    /** The verdict in the services map: go to the selector chain, or refuse when no backend takes connections. */
    String verdict() {
        return "goto " + (kind == Kind.NONE ? VippyRuleset.REFUSE : chainName());
    }

    /** Parses a verdict of {@link #verdict()} back; anything else is not Vippy's and yields {@link #UNKNOWN}. */
    static Selector parseVerdict(String verdict) {
        if (verdict.equals("goto " + VippyRuleset.REFUSE)) {
            return NONE;
        }
        if (!verdict.startsWith("goto ")) {
            return UNKNOWN;
        }
        String chain = verdict.substring("goto ".length());
        int dash = chain.indexOf('-');
        if (dash < 0) {
            return UNKNOWN;
        }
        try {
            Kind kind = Kind.valueOf(chain.substring(0, dash).toUpperCase(java.util.Locale.ROOT));
            int modulus = Integer.parseInt(chain.substring(dash + 1));
            return kind == Kind.NONE || modulus < 1 ? UNKNOWN : new Selector(kind, modulus);
        } catch (IllegalArgumentException e) {
            return UNKNOWN;
        }
    }
}
