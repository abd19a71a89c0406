#!/bin/bash
# Time to add one backend to one load balancer while 1, 1,000 and 10,000 load balancers exist
# (each rr over two backends), in a namespace the benchmark creates and removes.
# Usage (root, from the repository root): bench/dataplane/add-backend.sh [ROUNDS]
set -euo pipefail
ROUNDS=${1:-30}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
timeout 900 ./mvnw -B -o test -Dtest='NftablesBenchmark#addBackendLatency' -Dbench.rounds="$ROUNDS" \
  -Dsurefire.failIfNoSpecifiedTests=false 2>&1 | grep -E '^BENCH|Tests run:|ERROR' | sort -u
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
