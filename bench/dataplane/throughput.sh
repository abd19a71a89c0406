#!/bin/bash
# Requests/s through Vippy's nftables VIP vs straight to a backend vs HAProxy (TCP mode) on the same node,
# measured side by side: ROUNDS rounds, each running the three targets one after another with
# wrk -t2 -c50 -d${SECONDS_PER_RUN}s. Vippy programs the VIP itself (NftablesBenchmark#programVip).
# Usage (root, from the repository root): bench/dataplane/throughput.sh [ROUNDS] [SECONDS_PER_RUN]
set -euo pipefail
ROUNDS=${1:-3}
DURATION=${2:-10}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORKDIR=$(mktemp -d /tmp/vippy-bench.XXXX)
P=vnftb
trap '"$HERE/topology.sh" down; rm -rf "$WORKDIR"' EXIT
"$HERE/topology.sh" down
"$HERE/topology.sh" up "$WORKDIR"
(cd "$ROOT" && timeout 600 ./mvnw -B -o -q test -Dtest='NftablesBenchmark#programVip' -Dbench.netns=$P-lb \
  -Dsurefire.failIfNoSpecifiedTests=false > "$WORKDIR/program.log" 2>&1) \
  || { cat "$WORKDIR/program.log"; exit 1; }
table=$(ip netns exec $P-lb nft list table ip vippy)
grep -q "203.0.113.10 . tcp . 80" <<< "$table" || { echo "VIP not programmed: $table"; exit 1; }
for url in http://10.20.0.11/ http://203.0.113.10/ http://203.0.113.10:8080/; do
  ip netns exec $P-client curl -fsS --max-time 3 "$url" > /dev/null || { echo "no answer from $url"; exit 1; }
done
run() { # label url
  ip netns exec $P-lb conntrack -F > /dev/null 2>&1 || true
  sleep 1
  out=$(timeout $((DURATION + 30)) ip netns exec $P-client wrk -t2 -c50 -d${DURATION}s "$2" 2>&1)
  rps=$(echo "$out" | awk '/Requests\/sec/{print $2}')
  errors=$(echo "$out" | grep -E 'Socket errors|Non-2xx' | tr '\n' ' ' || true)
  echo "$1 $rps $errors"
}
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$ROUNDS"); do
  run direct http://10.20.0.11/
  run vippy http://203.0.113.10/
  run haproxy http://203.0.113.10:8080/
done | tee "$WORKDIR/results.txt"
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
median() { awk -v k="$1" '$1 == k { print $2 }' "$WORKDIR/results.txt" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
direct=$(median direct); vippy=$(median vippy); haproxy=$(median haproxy)
echo "median direct $direct req/s, vippy $vippy req/s, haproxy $haproxy req/s"
awk -v d="$direct" -v v="$vippy" -v h="$haproxy" 'BEGIN {
  printf "vippy/direct  = %.2f (goal >= 0.9)\n", v / d
  printf "vippy/haproxy = %.2f (goal >= 1.4)\n", v / h }'
# Per-round ratios pair runs made seconds apart, so they drift less with other load on the machine.
awk '{ r[$1] = $2 } $1 == "haproxy" { printf "%.3f %.3f\n", r["vippy"] / r["direct"], r["vippy"] / r["haproxy"] }' \
  "$WORKDIR/results.txt" > "$WORKDIR/ratios.txt"
echo "median per-round vippy/direct = $(cut -d' ' -f1 "$WORKDIR/ratios.txt" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')," \
  "vippy/haproxy = $(cut -d' ' -f2 "$WORKDIR/ratios.txt" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
