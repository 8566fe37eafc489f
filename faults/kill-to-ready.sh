#!/bin/bash
# Kill -9 of the hub on the embedded default, N times, and the time from each kill to ready again.
#
#   ./mvnw -B -o -Dquarkus.analytics.disabled=true -DskipTests package
#   faults/kill-to-ready.sh [cycles=5] [work dir=/tmp/switchboard-kill-to-ready]
#
# The hub runs the repository's example (application.properties, rules/, routes/, kamelets/)
# from a scratch working directory, on HTTP port 18080 and free broker ports. Each cycle: post a
# signed order (202), kill -9 the hub (its PostgreSQL keeps running), start it again on the same
# data, and time the kill to /q/health/ready answering 200. The event posted before each kill
# must still be there: its redelivery is answered 200 duplicate.
set -euo pipefail
cycles=${1:-5}
work=${2:-/tmp/switchboard-kill-to-ready}
repo=$(cd "$(dirname "$0")/.." && pwd)
jar=$repo/target/quarkus-app/quarkus-run.jar
port=18080
[ -f "$jar" ] || { echo "no $jar: build it first (see the top of this script)"; exit 1; }

rm -rf "$work" && mkdir -p "$work"
cp -r "$repo"/application.properties "$repo"/rules "$repo"/routes "$repo"/kamelets "$work"/
printf '\nquarkus.http.port=%s\nswitchboard.embedded.broker-port=0\nswitchboard.embedded.amqp-port=0\n' $port \
  >> "$work/application.properties"
cd "$work"

start_hub() { (java -jar "$jar" > "hub-$1.log" 2>&1 & echo $! > hub.pid); }
ready() { [ "$(curl -s -o /dev/null -w '%{http_code}' localhost:$port/q/health/ready)" = 200 ]; }
await_ready() {
  until ready; do
    kill -0 "$(cat hub.pid)" 2>/dev/null || { echo "the hub exited: see $work/hub-$1.log"; exit 1; }
    sleep 0.1
  done
}
post() {
  local body="{\"id\":\"$1\",\"type\":\"shop.order.created\",\"total\":1250,\"customer\":{\"email\":\"ada@example.com\"}}"
  local sig; sig=$(printf '%s' "$body" | openssl dgst -sha256 -hmac shop-example-secret | sed 's/.*= //')
  curl -s -o /dev/null -w '%{http_code}' localhost:$port/hooks/shop -H 'Content-Type: application/json' \
    -H "X-Shop-Signature: sha256=$sig" -d "$body"
}
cleanup() { kill "$(cat hub.pid 2>/dev/null)" 2>/dev/null || true; }
trap cleanup EXIT

start_hub 0 && await_ready 0
for i in $(seq 1 "$cycles"); do
  order="kill-$i-$(date +%s%N)"
  [ "$(post "$order")" = 202 ] || { echo "cycle $i: the order was not accepted"; exit 1; }
  orphan=$(head -1 data/postgres/postmaster.pid)
  kill -9 "$(cat hub.pid)"
  killed=$(date +%s.%N)
  start_hub "$i" && await_ready "$i"
  seconds=$(echo "$(date +%s.%N) - $killed" | bc)
  stopped=$(grep -c "Stopping the embedded PostgreSQL (pid $orphan)" "hub-$i.log" || true)
  kept=$(post "$order")
  printf 'cycle %s: kill -9 -> ready in one start: %.1f s (left-over PostgreSQL %s stopped: %s; event kept: %s; load %s)\n' \
    "$i" "$seconds" "$orphan" "$([ "$stopped" = 1 ] && echo yes || echo no)" \
    "$([ "$kept" = 200 ] && echo yes || echo "no, $kept")" "$(cut -d' ' -f1 /proc/loadavg)"
done
