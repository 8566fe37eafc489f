#!/usr/bin/env bash
# Where the hub's memory goes (bench/RESULTS.md, step 13): the hub as built, started fresh on the
# embedded default with Native Memory Tracking, loaded with EVENTS new events at 256 connections;
# prints RSS after start and after the load, and the JVM's own accounting of its memory.
#
#   bench/memory.sh LABEL EVENTS [VAR=value ...]   (environment of the hub, e.g. MALLOC_ARENA_MAX=2)
#   HUB_JAVA_OPTS="-Xms256m -Xmx256m -XX:+UseSerialGC" bench/memory.sh serial 150000
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$ROOT/target/bench/memory
LABEL=${1:?a label}; EVENTS=${2:?how many events}; shift 2
HUB_JAVA_OPTS=${HUB_JAVA_OPTS:--Xms256m -Xmx256m}

pkill -f "quarkus-app/quarkus-run.jar" 2>/dev/null && sleep 3 || true
rm -rf "$WORK"; mkdir -p "$WORK/rules"
cat > "$WORK/application.properties" <<PROPS
quarkus.http.port=18080
switchboard.embedded.broker-port=16162
switchboard.embedded.amqp-port=16163
switchboard.sources.bench.signature=hmac-sha256
switchboard.sources.bench.secret=bench-secret
switchboard.sources.bench.signature-prefix=sha256=
switchboard.sources.bench.event-id=jsonpath:\$.id
switchboard.sources.bench.event-type=jsonpath:\$.type
quarkus.log.level=WARN
quarkus.log.category."dev.switchboard".level=INFO
PROPS
(cd "$WORK" && exec env "$@" java $HUB_JAVA_OPTS -XX:NativeMemoryTracking=summary \
  -jar "$ROOT/target/quarkus-app/quarkus-run.jar" > hub.log 2>&1) &
trap 'pkill -f "quarkus-app/quarkus-run.jar" || true' EXIT
until curl -sf http://127.0.0.1:18080/q/health/ready >/dev/null; do sleep 0.5; done
PID=$(pgrep -f "quarkus-run.jar" | head -1)
PG_PORT=$(grep -o 'embedded PostgreSQL on port [0-9]*' "$WORK/hub.log" | awk '{print $NF}')
rss() { awk '/VmRSS/ {printf "%d", $2/1024}' "/proc/$PID/status"; }
events() { psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -Atqc "select count(*) from event"; }
echo "$LABEL: RSS after start $(rss) MB ($HUB_JAVA_OPTS${*:+, $*})"

python3 "$ROOT/bench/gen_requests.py" bench-secret "$EVENTS" memory > "$WORK/requests.txt"
wrk -t2 -c256 -d3600s -s "$ROOT/bench/ingest.lua" http://127.0.0.1:18080 -- "$WORK/requests.txt" 2 0 > /dev/null &
WRK=$!
until (( $(events) >= EVENTS )); do
  kill -0 "$PID" 2>/dev/null && ! grep -q OutOfMemoryError "$WORK/hub.log" \
    || { echo "$LABEL: the hub ran out of memory after $(events) events"; kill $WRK; exit 1; }
  sleep 2
done
kill $WRK; wait $WRK 2>/dev/null || true
echo "$LABEL: RSS after $EVENTS events $(rss) MB ($(grep -E '^Rss(Anon|File)' "/proc/$PID/status" | tr -s ' \t\n' ' '))"
jcmd "$PID" VM.native_memory summary | grep -E '^Total|^-' | sed 's/^-  */  /'
