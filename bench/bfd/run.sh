#!/bin/bash
# CPU cost of BFD at 300 ms x 3 with two peers (FRR's bfdd on two ToR addresses): the CPU time of BFD's threads
# against the whole JVM in the same window. Needs root and frr. Usage: bench/bfd/run.sh [SECONDS]   (default 60)
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -B -o test -Dtest=BfdCpuBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
    -Dbfd.bench.seconds="${1:-60}" 2>&1 | sed -n '/^BFD-BENCH/,/^$/p; /FAIL/p'
