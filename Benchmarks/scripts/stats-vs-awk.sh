#!/usr/bin/env bash
# mmscope stats against one awk pass over the same kernel trace (issue 14's budget: 5x faster).
# Usage (from the repository's root, after `swift build -c release --product mmscope`):
#   Benchmarks/scripts/stats-vs-awk.sh [TRACE.txt.gz ...]
# Each trace is uncompressed into a temporary file first; each command runs 5 times, the best is kept.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin="$root/.build/release/mmscope"
[ -x "$bin" ] || { echo "build it first: swift build -c release --product mmscope" >&2; exit 1; }
traces=("$@")
[ ${#traces[@]} -gt 0 ] || traces=("$root/Tests/Fixtures/linux-6.18/ftrace-vmalloc-kmem.txt.gz"
  "$root/Tests/Fixtures/linux-6.18/perf-script-vmalloc-kmem.txt.gz")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
best() {
  local b=999999
  for _ in 1 2 3 4 5; do
    local s e
    s=$(date +%s%N)
    "$@" > /dev/null 2>&1 || true
    e=$(date +%s%N)
    b=$(( (e - s) / 1000000 < b ? (e - s) / 1000000 : b ))
  done
  echo "$b"
}
printf '%-40s %10s %10s %8s\n' trace "awk ms" "stats ms" "awk/stats"
for t in "${traces[@]}"; do
  plain="$tmp/$(basename "${t%.gz}")"
  if [[ "$t" == *.gz ]]; then gzip -dc "$t" > "$plain"; else cp "$t" "$plain"; fi
  a=$(best awk -f "$root/Benchmarks/scripts/trace-fields.awk" "$plain")
  m=$(best "$bin" stats "$plain")
  printf '%-40s %10d %10d %8.2f\n' "$(basename "$plain") ($(wc -l < "$plain") lines)" "$a" "$m" "$(echo "$a / $m" | bc -l)"
done
echo "awk is $(readlink -f "$(command -v awk)")"
