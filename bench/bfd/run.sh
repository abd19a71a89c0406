#!/bin/bash
# CPU cost of BFD at 300 ms x 3 with two peers (FRR's bfdd on two ToR addresses): the CPU time, and the part of it
# in the kernel, of each BFD thread and of the whole JVM in one window, then of the whole JVM in a window of the
# same length with BFD stopped, and the load average around the windows (a shared machine's load shows in the
# numbers). Needs root and frr.
# Usage: bench/bfd/run.sh [SECONDS] [WARMUP_SECONDS]   (default 60 s windows, the first after 3 s of sessions Up)
set -euo pipefail
cd "$(dirname "$0")/../.."
date -u '+%F %T UTC'
./mvnw -B -o test -Dtest=BfdCpuBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
    -Dbfd.bench.seconds="${1:-60}" -Dbfd.bench.warmup="${2:-3}" 2>&1 | sed -n '/^BFD-BENCH/,/^$/p; /FAIL/p; /AssertionError/p'
date -u '+%F %T UTC'
