#!/bin/sh
# Runs a benchmark written as a JUnit class outside the test suite (its name does not end in IT) against the
# packaged jar, and prints its report: every line that starts with MARKER, each followed by its table rows.
# On failure, the end of Maven's output.
# usage: bench/lib/junit-bench.sh CLASS MARKER [-Dproperty=value ...]   (from the repository root)
set -e
class=$1 marker=$2
shift 2
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! ./mvnw -B -o verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test="$class" "$@" >"$log" 2>&1; then
  tail -80 "$log"
  exit 1
fi
awk -v m="$marker" 'index($0, m) == 1 { print; table = 1; next } table && /^\|/ { print; next } { table = 0 }' "$log"
