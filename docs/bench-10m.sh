#!/usr/bin/env bash
# Ten million keys (issue 13): loads RECORDS keys of 1 KiB into a fresh 3-node local cluster through the gateway,
# reports the load rate, the disk and memory of each node, then runs workload A at `strong` (32 and 1 connections)
# and workload C at `eventual` over the whole key space (uniform keys, so most reads miss every cache).
# Usage: docs/bench-10m.sh [RECORDS]   (default 10000000; needs about 40 GB of disk and an hour)
#        REUSE=1 docs/bench-10m.sh      (the runs again on the data set an earlier run left in KV_DATA_DIR)
set -euo pipefail
cd "$(dirname "$0")/.."
RECORDS="${1:-10000000}"
export KV_DATA_DIR="${KV_DATA_DIR:-/tmp/kv-10m}"
OUT="${KV_BENCH_OUT:-/tmp/kv-10m.out}"
BENCH=(./kv bench --records "$RECORDS" --distribution uniform)

footprint() { # what each node holds: data directory on disk, resident memory, and the JVM heap in use
  for n in n1 n2 n3 gateway; do
    pid=$(cat "$KV_DATA_DIR/run/$n.pid")
    rss=$(awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status")
    disk=$( [[ -d "$KV_DATA_DIR/$n" ]] && du -sm "$KV_DATA_DIR/$n" | cut -f1 || echo 0)
    heap=$(jcmd "$pid" GC.heap_info 2>/dev/null | awk '/used/ { for (i = 1; i <= NF; i++) if ($i == "used") { print $(i + 1); exit } }')
    printf '%-8s disk %6s MB  rss %5s MB  heap used %s\n' "$n" "$disk" "$rss" "${heap:-?}"
  done
}

./kv down >/dev/null 2>&1 || true
if [[ -n "${REUSE:-}" && -d "$KV_DATA_DIR/n1" ]]; then
  # REUSE=1: the data set of an earlier run, restarted; each node rebuilds its Merkle trees from disk first.
  echo "== $RECORDS records loaded earlier, restarted ($(date -u +%FT%TZ))" | tee "$OUT"
  rm -rf "$KV_DATA_DIR/logs"
  ./kv up >/dev/null
  for n in n1 n2 n3; do
    until grep -q "Merkle trees rebuilt: [0-9]* ranges, [1-9]" "$KV_DATA_DIR/logs/$n.log"; do sleep 2; done
    grep -o "Merkle trees rebuilt.*" "$KV_DATA_DIR/logs/$n.log" | tail -1 | sed "s/^/$n: /" | tee -a "$OUT"
  done
else
  rm -rf "$KV_DATA_DIR"
  ./kv up >/dev/null
  echo "== load $RECORDS records of 1 KiB, 32 threads, fast-write ($(date -u +%FT%TZ))" | tee "$OUT"
  "${BENCH[@]}" --phase load --threads 32 --consistency fast-write > /tmp/kv-10m-load.out 2>&1
  grep -E "^load  done|^errors" /tmp/kv-10m-load.out | tee -a "$OUT"
fi
# Hints for writes refused during the load, anti-entropy and compactions: measure once the nodes have settled (the
# three together under a third of a core for 10 s), or after 15 minutes whatever they do.
settled_at=$(date +%s)
for _ in $(seq 1 90); do
  cpu() { for n in n1 n2 n3; do awk '{print $14+$15}' "/proc/$(cat "$KV_DATA_DIR/run/$n.pid")/stat"; done | paste -sd+ | bc; }
  a=$(cpu); sleep 10; b=$(cpu)
  if (( b - a < 333 )); then break; fi
done
echo "== settled after $(( $(date +%s) - settled_at )) s; footprint" | tee -a "$OUT"
footprint | tee -a "$OUT"
echo "== warm-up: workload A, 32 threads, 60 s (discarded)" | tee -a "$OUT"
"${BENCH[@]}" --phase run --workload a --consistency strong --threads 32 --duration 60s --warmup 0s > /dev/null
for run in "a strong 32" "a strong 1" "c eventual 32" "c strong 32"; do
  read -r workload consistency threads <<< "$run"
  echo "== workload $workload, $consistency, $threads threads, 30 s" | tee -a "$OUT"
  "${BENCH[@]}" --phase run --workload "$workload" --consistency "$consistency" --threads "$threads" \
    --duration 30s --warmup 5s | sed -n '/^operation/,$p' | tee -a "$OUT"
done
echo "== footprint after the runs" | tee -a "$OUT"
footprint | tee -a "$OUT"
./kv down >/dev/null
