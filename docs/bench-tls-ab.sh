#!/usr/bin/env bash
# A/B of the gateway's public port, plain HTTP vs TLS, workload A at strong, 32 conns, wrk with the peers' kv.lua.
# Makes /tmp/kv-tls/server.p12 (PKCS#12, password changeit: a private CA and a certificate for 127.0.0.1) if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
export KV_DATA_DIR=/tmp/kv-tlsab
P="${PEERS:-$(cd "$(dirname "$0")"/../.. && pwd)/shared/peers}"
TLSARGS="--server.ssl.bundle=pub --spring.ssl.bundle.jks.pub.keystore.location=file:/tmp/kv-tls/server.p12 --spring.ssl.bundle.jks.pub.keystore.password=changeit --spring.ssl.bundle.jks.pub.keystore.type=PKCS12 --management.server.ssl.enabled=false"
if [[ ! -f /tmp/kv-tls/server.p12 ]]; then
  K="$(ls -d ${KV_JAVA_HOME:-/usr/lib/jvm/temurin-25*} | head -1)/bin/keytool"; S=(-storetype PKCS12 -storepass changeit)
  mkdir -p /tmp/kv-tls && cd /tmp/kv-tls
  "$K" -genkeypair -alias ca -keyalg EC -groupname secp256r1 -dname CN=ca -ext bc:c -validity 30 -keystore ca.p12 "${S[@]}"
  "$K" -exportcert -alias ca -rfc -keystore ca.p12 -file ca.crt "${S[@]}"
  "$K" -genkeypair -alias server -keyalg EC -groupname secp256r1 -dname CN=gw -validity 30 -keystore server.p12 "${S[@]}"
  "$K" -certreq -alias server -keystore server.p12 -file s.csr "${S[@]}"
  "$K" -gencert -alias ca -keystore ca.p12 -infile s.csr -outfile s.crt -rfc -ext san=ip:127.0.0.1 -validity 30 "${S[@]}"
  "$K" -importcert -alias ca -noprompt -file ca.crt -keystore server.p12 "${S[@]}"
  "$K" -importcert -alias server -file s.crt -keystore server.p12 "${S[@]}"
  cd - > /dev/null
fi
gateway() { # mode
  if [[ -f $KV_DATA_DIR/run/gateway.pid ]]; then kill "$(cat $KV_DATA_DIR/run/gateway.pid)"; while kill -0 "$(cat $KV_DATA_DIR/run/gateway.pid)" 2>/dev/null; do sleep 0.2; done; rm -f $KV_DATA_DIR/run/gateway.pid; fi
  if [[ $1 == tls ]]; then KV_GATEWAY_ARGS="$TLSARGS" ./kv up >/dev/null; else ./kv up >/dev/null; fi
}
run() { # label url secs
  wrk -t2 -c32 -d"$3"s --timeout 10s -s $P/kv.lua "$2" 2>&1 | grep SUMMARY | sed "s/^/$1 /"
}
rm -rf $KV_DATA_DIR; ./kv up >/dev/null
MODE=load RECORDS=20000 QUERY=consistency=strong wrk -t1 -c32 -d20s --timeout 10s -s $P/kv.lua http://127.0.0.1:8080 >/dev/null 2>&1
for round in 1 2; do
  gateway plain; READS=0.5 RECORDS=20000 QUERY=consistency=strong run "warm-plain" http://127.0.0.1:8080 15 >/dev/null
  READS=0.5 RECORDS=20000 QUERY=consistency=strong run "round$round plain" http://127.0.0.1:8080 20
  gateway tls; READS=0.5 RECORDS=20000 QUERY=consistency=strong run "warm-tls" https://127.0.0.1:8080 15 >/dev/null
  READS=0.5 RECORDS=20000 QUERY=consistency=strong run "round$round tls" https://127.0.0.1:8080 20
done
READS=0.5 RECORDS=20000 QUERY=consistency=strong wrk -t1 -c1 -d15s --timeout 10s -s $P/kv.lua https://127.0.0.1:8080 2>&1 | grep SUMMARY | sed 's/^/tls 1conn /'
gateway plain
READS=0.5 RECORDS=20000 QUERY=consistency=strong wrk -t1 -c1 -d15s --timeout 10s -s $P/kv.lua http://127.0.0.1:8080 2>&1 | grep SUMMARY | sed 's/^/plain 1conn /'
./kv down >/dev/null
