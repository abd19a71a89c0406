#!/bin/bash
# GC pauses of the deployed JVM options (deploy/vippy.service) under API load: bench/api's ApiBench (creates,
# lists, concurrent creates) with -Xlog:gc, then the pause distribution. What BFD interval is safe follows from
# the longest pause (docs/benchmarks.md, BFD). Root; run from the repository root.
# usage: bench/bfd/gc-pauses.sh [loadBalancers [JVM options...]]   (default 1000; options after the deployed ones
# override them, e.g. -Xms64m)
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -B package -DskipTests
log=$(mktemp /tmp/vippy-gc-XXXXXX.log)
java bench/api/ApiBench.java "${1:-1000}" -XX:SharedArchiveFile=app-cds.jsa -XX:+UseSerialGC -Xms16m -Xmx256m \
    -XX:MaxHeapFreeRatio=40 -XX:MinHeapFreeRatio=10 -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError "${@:2}" "-Xlog:gc:file=$log"
echo
echo "GC pauses (-Xlog:gc, $log):"
grep -o 'Pause.*' "$log" | sed -E 's/^Pause ([A-Za-z]+).* ([0-9.]+)ms$/\1 \2/' | sort -k2 -g | awk '
  { kind[NR] = $1; ms[NR] = $2; count[$1]++ }
  END {
    if (NR == 0) { print "no pauses"; exit }
    for (k in count) printf "  %s: %d pauses\n", k, count[k]
    p99 = int(NR * 0.99); if (p99 < 1) p99 = 1
    printf "  all %d pauses: median %.2f ms, p99 %.2f ms, max %.2f ms (%s)\n", NR, ms[int((NR + 1) / 2)], ms[p99],
        ms[NR], kind[NR]
  }'
