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

. "$ROOT/bench/fresh-hub.sh"
WRK=
trap '[[ -z "$WRK" ]] || kill $WRK 2>/dev/null || true; stop_hub' EXIT
fresh_hub_dir "$WORK" ""
HUB_EXTRA_JAVA_OPTS=-XX:NativeMemoryTracking=summary start_hub "$WORK" "$@"
PID=$HUB_PID
rss() { awk '/VmRSS/ {printf "%d", $2/1024}' "/proc/$PID/status"; }
events() { psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -Atqc "select count(*) from event"; }
echo "$LABEL: RSS after start $(rss) MB (${HUB_JAVA_OPTS:--Xms256m -Xmx256m}${*:+, $*})"

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
