#!/usr/bin/env bash
# One hot-path measurement (issue 13): a fresh ./kv up of this checkout, 20,000 keys of 1 KiB loaded with wrk,
# a warm-up, then 30 s of workload A at 32 connections (override with CONNS, READS, Q), and the CPU milliseconds per
# operation of each node and the gateway over the measured 30 s, from /proc. Needs wrk and ../shared/peers/kv.lua.
#   docs/bench-hotpath.sh                     # A strong, 32 conns
#   KV_GATEWAY_ARGS=--kv.gateway.batching.max-in-flight=2 docs/bench-hotpath.sh
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PEERS="${PEERS:-$ROOT/../shared/peers}"
CONNS="${CONNS:-32}"; READS="${READS:-0.5}"; Q="${Q:-consistency=strong}"
export KV_DATA_DIR="${KV_DATA_DIR:-/tmp/kv-hotpath}"
cd "$ROOT"; ./kv down >/dev/null 2>&1 || true; rm -rf "$KV_DATA_DIR"; ./kv up >/dev/null
cd "$PEERS"
MODE=load RECORDS=20000 QUERY=consistency=strong wrk -t1 -c32 -d"${LOAD_SECONDS:-40}s" -s kv.lua http://127.0.0.1:8080 | grep SUMMARY
MODE=run RECORDS=20000 READS="$READS" QUERY="$Q" wrk -t2 -c"$CONNS" -d"${WARM_SECONDS:-45}s" -s kv.lua http://127.0.0.1:8080 >/dev/null
declare -A before
for p in n1 n2 n3 gateway; do before[$p]=$(awk '{print $14+$15}' "/proc/$(cat "$KV_DATA_DIR/run/$p.pid")/stat"); done
out=$(MODE=run RECORDS=20000 READS="$READS" QUERY="$Q" wrk -t2 -c"$CONNS" -d30s -s kv.lua http://127.0.0.1:8080 | grep SUMMARY)
requests=$(sed 's/.*requests=\([0-9]*\).*/\1/' <<< "$out")
line="$out cpu_ms_per_op:"
for p in n1 n2 n3 gateway; do
  after=$(awk '{print $14+$15}' "/proc/$(cat "$KV_DATA_DIR/run/$p.pid")/stat")
  line="$line $p=$(echo "scale=3; ($after - ${before[$p]}) * 10 / $requests" | bc)"
done
echo "$line"
[[ -n "${KEEP:-}" ]] || { cd "$ROOT"; ./kv down >/dev/null; }
