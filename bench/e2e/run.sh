#!/bin/sh
# Create to first successful client request on the miniature Equinix Metal (src/test/e2e/rig.sh): the packaged
# Vippy with the fake Metal API, BIRD as the ToR, the client reaching the Elastic IP through the learned route.
# Needs root, bird2, python3, curl, jq, nftables. Usage: bench/e2e/run.sh [ROUNDS]   (default 10)
# Builds the jar (package), then runs the JUnit class MetalCreateToFirstRequestBenchmark, which is outside the
# normal test suite, and prints its table.
set -e
cd "$(dirname "$0")/../.."
exec bench/lib/junit-bench.sh MetalCreateToFirstRequestBenchmark E2E-BENCH -De2e.bench.rounds="${1:-10}"
