#!/usr/bin/env bash
# Short wrk runs against a running gateway (issue 13), for A/B rounds of two gateway builds on one cluster:
# workload A at 32 connections for 15 s after a 15 s warm-up, then reads and writes alone at one connection, 10 s
# each, all at consistency=strong over keys user0..user19999 (LOAD=1 loads them first). Swap the gateway between
# rounds (stop its pid from $KV_DATA_DIR/run/gateway.pid, start the other jar with the same arguments).
#   docs/bench-gateway-ab.sh before; <swap>; docs/bench-gateway-ab.sh after; ...
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "${PEERS:-$ROOT/../shared/peers}"
export RECORDS=20000
GATEWAY=http://127.0.0.1:8080
run() { local label=$1 conns=$2 threads=$3 seconds=$4; shift 4
  echo "$LABEL $label: $(env "$@" wrk -t"$threads" -c"$conns" -d"${seconds}s" --timeout 10s -s kv.lua "$GATEWAY" |
    grep SUMMARY)"; }
LABEL=${1:-run}
if [[ -n "${LOAD:-}" ]]; then run load 32 1 25 MODE=load QUERY=consistency=strong; fi
run warm-up 32 2 "${WARM_SECONDS:-15}" READS=0.5 QUERY=consistency=strong >/dev/null
run "A c32" 32 2 15 READS=0.5 QUERY=consistency=strong
run "reads c1" 1 1 10 READS=1.0 QUERY=consistency=strong
run "writes c1" 1 1 10 READS=0.0 QUERY=consistency=strong
