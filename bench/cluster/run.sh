#!/bin/bash
# Cluster benchmarks (issue 10): a 3-member etcd (etcd-server) on loopback and packaged Vippy nodes, each in a
# network namespace of its own. Root; run from the repository root.
# usage: bench/cluster/run.sh [propagation ROUNDS | create COUNT CLIENTS | startup COUNT]   (no argument: all three)
# Every process, namespace and directory the run makes is removed on exit, whatever ends it.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -B package -DskipTests
work=$(mktemp -d /tmp/vippy-cluster-bench.XXXXXX)
clean_up() {
    for pid in $(cat "$work"/*/pids 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
    for ns in $(cat "$work"/*/netns 2>/dev/null); do
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
        ip netns del "$ns" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap clean_up EXIT INT TERM
bench() {
    # Bounded: no mode may run longer than 15 minutes.
    timeout --kill-after=20s 900 java -cp 'target/quarkus-app/lib/boot/*:target/quarkus-app/lib/main/*:target/quarkus-app/app/*' \
        bench/cluster/ClusterBench.java "$work/$1" "$@" 2> >(grep -v '^SLF4J' >&2)
}
run_mode() {
    mkdir -p "$work/$1"
    bench "$@"
}
if [ $# -gt 0 ]; then
    run_mode "$@"
else
    run_mode propagation 30
    echo
    run_mode create 400 8
    echo
    run_mode startup 10000
fi
