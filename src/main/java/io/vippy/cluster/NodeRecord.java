package io.vippy.cluster;

/** What a node registers about itself under {@code <prefix>nodes/<name>}, kept alive by its lease. */
record NodeRecord(String name, String address, String version, String dataplane, int loadBalancers,
        int bgpSessionsUp, long startedAtEpochMs) {
}
