#!/usr/bin/env bash
# Open loop with flush times (issue 13): a fresh ./kv up of this checkout, 20,000 keys loaded with ./kv bench, 30 s of
# closed-loop warm-up, then DURATION (150 s) of workload A at RATE ops/s (3350), and the seconds whose p99 passed
# 30 ms lined up against the memtable flushes and compactions in n1's RocksDB LOG.
#   docs/bench-openloop.sh                 # RATE=3350 DURATION=150s
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
RATE="${RATE:-3350}"; DURATION="${DURATION:-150s}"
export KV_DATA_DIR="${KV_DATA_DIR:-/tmp/kv-openloop}"
cd "$ROOT"; ./kv down >/dev/null 2>&1 || true; rm -rf "$KV_DATA_DIR"; ./kv up >/dev/null
./kv bench --phase load --records 20000 --threads 32 >/dev/null
./kv bench --phase run --records 20000 --workload a --threads 32 --duration 30s --warmup 5s --distribution uniform \
  >/dev/null
out="$KV_DATA_DIR/openloop.out"
start=$(date +%s)
./kv bench --phase run --records 20000 --workload a --rate "$RATE" --threads 64 --duration "$DURATION" --warmup 20s \
  --distribution uniform > "$out"
grep -E '^(all|cpu)' "$out"
echo "seconds with p99 over 30 ms (second of the run, clock, p50, p99):"
grep -E '^run' "$out" | awk -v s="$start" '{t=$2; sub("s","",t); if ($9+0 > 30 && t+0 > 20)
  printf "  %s %s p50=%s p99=%s\n", t, strftime("%H:%M:%S", s+t), $6, $9}'
echo "n1's flushes and compactions:"
grep -E 'flush_started|compaction_started' "$KV_DATA_DIR/n1/LOG" |
  sed -E 's/^[0-9/]+-([0-9:]+).*"event": "([a-z_]+)".*/  \1 \2/'
./kv down >/dev/null
