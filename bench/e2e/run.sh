#!/bin/sh
# Create to first successful client request on the miniature Equinix Metal (src/test/e2e/rig.sh): the packaged
# Vippy with the fake Metal API, BIRD as the ToR, the client reaching the Elastic IP through the learned route.
# Needs root, bird2, python3, curl, jq, nftables. Usage: bench/e2e/run.sh [ROUNDS]   (default 10)
# Builds the jar (package), then runs the JUnit class MetalCreateToFirstRequestBenchmark, which is outside the
# normal test suite, and prints its table.
set -e
cd "$(dirname "$0")/../.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! ./mvnw -B -o verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test=MetalCreateToFirstRequestBenchmark -De2e.bench.rounds="${1:-10}" >"$log" 2>&1; then
  tail -60 "$log"
  exit 1
fi
sed -n '/^E2E-BENCH/,/^$/p' "$log"
