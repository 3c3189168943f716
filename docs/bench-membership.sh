#!/usr/bin/env bash
# Membership-change benchmark (issue 12): a fourth node joins a 3-node cluster holding RECORDS keys of 1 KiB, then is
# decommissioned, while workload A runs open-loop at half the cluster's maximum. Prints the time of each change, the
# streaming rate, and the foreground throughput and latency before and during each change (from the tool's
# per-second lines). Usage: docs/bench-membership.sh [RECORDS]   (default 1000000; needs ~5 GB of disk)
set -euo pipefail
cd "$(dirname "$0")/.."
RECORDS="${1:-1000000}"
export KV_DATA_DIR="${KV_DATA_DIR:-/tmp/kv-bench-membership}"
OUT="${KV_BENCH_OUT:-/tmp/kv-bench-membership.out}"
BENCH=(./kv bench --records "$RECORDS" --distribution uniform)

# The loaded data set is kept beside the data directory (stopped cluster, copied) and reused by later runs: loading a
# million keys takes longer here than the changes it is loaded for. Delete "$KV_DATA_DIR.loaded-$RECORDS" to reload.
SNAPSHOT="$KV_DATA_DIR.loaded-$RECORDS"
./kv down >/dev/null 2>&1 || true
rm -rf "$KV_DATA_DIR"
if [[ -d "$SNAPSHOT" ]]; then
  echo "== $RECORDS records, loaded earlier ($SNAPSHOT)" | tee "$OUT"
  cp -a "$SNAPSHOT" "$KV_DATA_DIR"
  ./kv up >/dev/null
  # A restarted node rebuilds its Merkle trees from disk (about 30 s for a million keys here) right after it is
  # ready; measure after that, not during it.
  for n in n1 n2 n3; do
    for _ in $(seq 1 300); do
      if grep -q "Merkle trees rebuilt" "$KV_DATA_DIR/logs/$n.log"; then break; fi
      sleep 1
    done
  done
else
  ./kv up >/dev/null
  echo "== load $RECORDS records" | tee "$OUT"
  "${BENCH[@]}" --phase load --threads 32 --consistency fast-write | grep -E "^load  done|^errors" | tee -a "$OUT"
  ./kv down >/dev/null
  rm -rf "$KV_DATA_DIR/logs" "$KV_DATA_DIR/run"
  cp -a "$KV_DATA_DIR" "$SNAPSHOT"
  ./kv up >/dev/null
fi

# A restored cluster starts cold (its JIT compiles for the first minute or two); a loaded one was warmed by the load.
echo "== warm-up: workload A, closed loop, 32 threads, 90 s (discarded)" | tee -a "$OUT"
"${BENCH[@]}" --phase run --workload a --consistency strong --threads 32 --duration 90s --warmup 0s > /dev/null
echo "== maximum: workload A, closed loop, 32 threads" | tee -a "$OUT"
"${BENCH[@]}" --phase run --workload a --consistency strong --threads 32 --duration 30s --warmup 10s \
  > /tmp/kv-bench-max.out
tail -5 /tmp/kv-bench-max.out | tee -a "$OUT"
MAX=$(awk '$1 == "all" { gsub(",", "", $3); print int($3) }' /tmp/kv-bench-max.out)
RATE=$((MAX / 2))
echo "== open loop at $RATE ops/s (half of $MAX)" | tee -a "$OUT"

# One long open-loop run; the changes happen during it; per-second lines are split by the change windows below.
"${BENCH[@]}" --phase run --workload a --consistency strong --threads 64 --rate "$RATE" --duration 30m --warmup 0s \
  > /tmp/kv-bench-open.out 2>&1 &
BENCH_PID=$!
t0=$(date +%s)
sleep 60
j0=$(date +%s); ./kv join n4 > /tmp/kv-bench-join.out; j1=$(date +%s)
sleep 60
d0=$(date +%s); ./kv decommission n4 > /tmp/kv-bench-decommission.out; d1=$(date +%s)
sleep 20
kill "$BENCH_PID" 2>/dev/null || true
wait "$BENCH_PID" 2>/dev/null || true

# Per-second lines: "run  <s>s  <ops> ops/s  p50 <ms> ms  p99 <ms> ms  errors <n>"
window() { # name from to (seconds since the run started): mean ops/s, median and worst per-second p50/p99
  local name="$1" from="$2" to="$3" lines
  lines=$(awk -v from="$from" -v to="$to" '$1 == "run" && $2 ~ /s$/ { s = $2 + 0;
    if (s > from && s <= to) { gsub(",", "", $3); gsub(",", "", $12); print $3, $6, $9, $12 } }' /tmp/kv-bench-open.out)
  if [[ -z "$lines" ]]; then echo "$name: no samples"; return; fi
  local n mean p50 p99 worst errors
  n=$(wc -l <<< "$lines")
  mean=$(awk '{ t += $1 } END { printf "%.0f", t / NR }' <<< "$lines")
  p50=$(awk '{ print $2 }' <<< "$lines" | sort -g | sed -n "$(( (n + 1) / 2 ))p")
  p99=$(awk '{ print $3 }' <<< "$lines" | sort -g | sed -n "$(( (n + 1) / 2 ))p")
  worst=$(awk '{ print $3 }' <<< "$lines" | sort -g | tail -1)
  errors=$(awk 'NR == 1 { first = $4 } { last = $4 } END { print last - first }' <<< "$lines")
  printf '%-15s %4d s  %6s ops/s  p50 %6s ms  p99 %7s ms (median second), %7s ms (worst second), %s errors\n' \
    "$name" "$n" "$mean" "$p50" "$p99" "$worst" "$errors"
}
{
  echo "== foreground, workload A open loop at $RATE ops/s"
  window "before" 5 $((j0 - t0))
  window "during join" $((j0 - t0)) $((j1 - t0))
  window "between" $((j1 - t0 + 5)) $((d0 - t0))
  window "during decomm." $((d0 - t0)) $((d1 - t0))
  echo "== join of n4: $((j1 - j0)) s"; tail -3 /tmp/kv-bench-join.out
  echo "== decommission of n4: $((d1 - d0)) s"; tail -3 /tmp/kv-bench-decommission.out
} | tee -a "$OUT"
./kv status | tee -a "$OUT"
./kv down >/dev/null
