#!/bin/sh
# Time from announce to "all prefixes in the peer's table": Vippy's speaker vs BIRD 2, both in namespace lbnode,
# announcing the same 1 and 1,000 /32s to one BIRD peer in namespace tor (each session into its own table).
# Needs root, bird2. Usage: bench/bgp/run.sh [ROUNDS]   (default 7)
set -e
cd "$(dirname "$0")/../.."
./mvnw -B -o -q test -Dtest=BgpAnnounceBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
    -Dbgp.bench.rounds="${1:-7}" 2>&1 | sed -n '/^BGP-BENCH/,/^$/p'
