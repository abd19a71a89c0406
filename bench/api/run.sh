#!/bin/bash
# API latency and throughput, start-up and memory of the packaged jar: the deployed JVM options side by side
# with a plain `java -jar`, back to back in one run. Root; run from the repository root.
# usage: bench/api/run.sh [loadBalancers]
set -euo pipefail
cd "$(dirname "$0")/../.."
count=${1:-1000}
[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -B package -DskipTests
echo "## deployed JVM options (deploy/vippy.service)"
java bench/api/ApiBench.java "$count"
echo
echo "## plain java -jar (JVM defaults)"
java bench/api/ApiBench.java "$count" -XX:+ExitOnOutOfMemoryError
