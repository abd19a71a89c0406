#!/bin/sh
# Health checking: CPU cost of TCP-checking 1,000 and 5,000 backends every second (a checking Vippy vs an idle one,
# side by side, same load balancers and backends), and time from a backend's death to its removal.
# Needs root and libnftables. Usage: bench/health/run.sh [WINDOW_SECONDS] [DEATH_ROUNDS]   (default 30 5)
set -e
cd "$(dirname "$0")/../.."
./mvnw -B -o -q package -DskipTests
./mvnw -B -o -q test -Dtest=HealthCheckBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
    -Dhealth.bench.window="${1:-30}" -Dhealth.bench.rounds="${2:-5}" 2>&1 | grep '^HEALTH-BENCH'
