#!/usr/bin/env bash
# What TLS costs on workload A at strong (50% reads, 32 conns, wrk with the peers' kv.lua), in one sitting:
#   plain  - every port plain HTTP
#   tls    - TLS on the gateway's public port only
#   mtls   - mutual TLS among members (gateway -> node, node <-> node), public port plain
#   both   - both
# Each mode on a fresh ./kv up (data in /tmp/kv-mtlsab), loaded with 20,000 records (40 s), warmed 2 x 20 s (the TLS
# code paths need the JIT as much as ours: measured after 15 s, mutual TLS looked half as fast), measured 20 s with
# the CPU time of every service per operation; the modes alternate over two rounds so that drift on this noisy machine
# hits all of them alike. One certificate (CN
# kv-member, for 127.0.0.1) serves every member here; in production each component has its own (see README, TLS).
# Makes /tmp/kv-mtls/{member,trust}.p12 (PKCS#12, password changeit) if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
export KV_DATA_DIR=/tmp/kv-mtlsab
P="${PEERS:-$(cd "$(dirname "$0")"/../.. && pwd)/shared/peers}"
D=/tmp/kv-mtls
if [[ ! -f $D/member.p12 ]]; then
  K="$(ls -d ${KV_JAVA_HOME:-/usr/lib/jvm/temurin-25*} | head -1)/bin/keytool"; S=(-storetype PKCS12 -storepass changeit)
  mkdir -p $D && cd $D
  "$K" -genkeypair -alias ca -keyalg EC -groupname secp256r1 -dname CN=kv-bench-ca -ext bc:c -validity 30 -keystore ca.p12 "${S[@]}"
  "$K" -exportcert -alias ca -rfc -keystore ca.p12 -file ca.crt "${S[@]}"
  "$K" -importcert -alias ca -noprompt -file ca.crt -keystore trust.p12 "${S[@]}"
  "$K" -genkeypair -alias member -keyalg EC -groupname secp256r1 -dname CN=kv-member -validity 30 -keystore member.p12 "${S[@]}"
  "$K" -certreq -alias member -keystore member.p12 -file m.csr "${S[@]}"
  "$K" -gencert -alias ca -keystore ca.p12 -infile m.csr -outfile m.crt -rfc -ext san=ip:127.0.0.1,dns:localhost -validity 30 "${S[@]}"
  "$K" -importcert -alias ca -noprompt -file ca.crt -keystore member.p12 "${S[@]}"
  "$K" -importcert -alias member -file m.crt -keystore member.p12 "${S[@]}"
  cd - > /dev/null
fi
J=spring.ssl.bundle.jks
MEMBER="--kv.cluster.tls.bundle=member --kv.cluster.tls.allowed-identities=kv-member --$J.member.keystore.location=file:$D/member.p12 --$J.member.keystore.password=changeit --$J.member.keystore.type=PKCS12 --$J.member.truststore.location=file:$D/trust.p12 --$J.member.truststore.password=changeit --$J.member.truststore.type=PKCS12"
NODE_SERVER="--server.ssl.bundle=member --server.ssl.client-auth=need --management.server.ssl.enabled=false"
PUBLIC="--server.ssl.bundle=pub --$J.pub.keystore.location=file:$D/member.p12 --$J.pub.keystore.password=changeit --$J.pub.keystore.type=PKCS12 --management.server.ssl.enabled=false"
up() { # mode
  ./kv down >/dev/null 2>&1 || true
  rm -rf $KV_DATA_DIR
  local node="" gateway=""
  case $1 in
    tls) gateway="$PUBLIC" ;;
    mtls) node="$MEMBER $NODE_SERVER"; gateway="$MEMBER" ;;
    both) node="$MEMBER $NODE_SERVER"; gateway="$MEMBER $PUBLIC" ;;
  esac
  KV_NODE_ARGS="$node" KV_GATEWAY_ARGS="$gateway" ./kv up >/dev/null
}
url() { case $1 in tls|both) echo https://127.0.0.1:8080 ;; *) echo http://127.0.0.1:8080 ;; esac; }
cpu() { # clock ticks (1/100 s) of user and system time of every service ./kv started
  local total=0 pid
  for pid in $KV_DATA_DIR/run/*.pid; do total=$((total + $(awk '{print $14 + $15}' /proc/"$(cat "$pid")"/stat))); done
  echo $total
}
for round in 1 2; do
  for mode in plain mtls tls both; do
    echo "progress: round $round, $mode: starting" >&2
    up $mode
    MODE=load RECORDS=20000 QUERY=consistency=strong wrk -t1 -c32 -d40s --timeout 10s -s $P/kv.lua "$(url $mode)" >/dev/null 2>&1
    for _ in 1 2; do
      READS=0.5 RECORDS=20000 QUERY=consistency=strong wrk -t2 -c32 -d20s --timeout 10s -s $P/kv.lua "$(url $mode)" >/dev/null 2>&1
    done
    echo "progress: round $round, $mode: measuring" >&2
    before=$(cpu)
    out=$(READS=0.5 RECORDS=20000 QUERY=consistency=strong wrk -t2 -c32 -d20s --timeout 10s -s $P/kv.lua "$(url $mode)" 2>&1 | grep SUMMARY)
    requests=$(echo "$out" | sed -E 's/.*requests=([0-9]+).*/\1/')
    echo "round$round $mode $out cpu_us_per_op=$(( ($(cpu) - before) * 10000 / requests ))"
  done
done
./kv down >/dev/null
