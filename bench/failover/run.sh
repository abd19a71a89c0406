#!/bin/sh
# Failover blackout (kill -9 of a node's host under a stream of new connections) with BFD on and off, side by side
# in one run, and node join (JVM start to carrying traffic), on the cluster rig: three packaged Vippy nodes on a
# three-member etcd, an FRR ToR with ECMP and bfdd. Needs root, frr, etcd-server, nftables.
# Usage: bench/failover/run.sh [ROUNDS]   (kills per mode, default 5). Builds the jar (package), then runs the
# JUnit class ClusterFailoverBenchmark, which is outside the normal test suite, and prints its table.
set -e
cd "$(dirname "$0")/../.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! ./mvnw -B -o verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test=ClusterFailoverBenchmark -Dfailover.bench.rounds="${1:-5}" >"$log" 2>&1; then
  tail -80 "$log"
  exit 1
fi
grep '^FAILOVER-ROUND' "$log"
sed -n '/^FAILOVER-BENCH/,/^$/p' "$log"
