#!/bin/sh
# Failover blackout (kill -9 of a node's host under a stream of new connections) with BFD on and off, side by side
# in one run, and node join (JVM start to carrying traffic), on the cluster rig: three packaged Vippy nodes on a
# three-member etcd, an FRR ToR with ECMP and bfdd. Needs root, frr, etcd-server, nftables.
# Usage: bench/failover/run.sh [ROUNDS]   (kills per mode, default 5). Builds the jar (package), then runs the
# JUnit class ClusterFailoverBenchmark, which is outside the normal test suite, and prints its rounds and table.
set -e
cd "$(dirname "$0")/../.."
exec bench/lib/junit-bench.sh ClusterFailoverBenchmark FAILOVER- -Dfailover.bench.rounds="${1:-5}"
