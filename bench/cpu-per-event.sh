#!/usr/bin/env bash
# The JVM's CPU per event end to end: the hub as built, fresh on the embedded default, one rule to
# an http port at nginx `return 200`; 40 s warm-up at 64 connections, drained, then 30 s at 64
# connections and the drain. The hub's CPU ticks (/proc/<pid>/stat) over load and drain divided by
# the events stored (bench/steps.md, steps 31 and 32).
#
#   bench/cpu-per-event.sh LABEL      (build first: ./mvnw -DskipTests package)
#   HUB_JAVA_OPTS='-Xms192m -Xmx192m -XX:+UseSerialGC' bench/cpu-per-event.sh LABEL
#   AP_LIB=.../libasyncProfiler.so AP_OUT=/tmp/e2e.collapsed bench/cpu-per-event.sh LABEL
#     (async-profiler, tools.profiler:async-profiler:3.0:jar:linux-x64, attached for the load and
#     the drain: CPU samples every 1 ms as collapsed stacks. JFR is no substitute here: on this
#     machine's hypervisor it doubled the CPU per event it was measuring.)
set -euo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
WORK=$ROOT/target/bench/cpu-per-event
LABEL=${1:?a label for this measurement}
NGINX=$WORK-nginx; SINK_PORT=18099
. "$ROOT/bench/nginx-sink.sh"
. "$ROOT/bench/fresh-hub.sh"
trap 'stop_hub; stop_nginx_sink "$NGINX"' EXIT
stop_nginx_sink "$NGINX" 2>/dev/null || true # one a killed run left
start_nginx_sink "$NGINX" "$SINK_PORT"
fresh_hub_dir "$WORK" "switchboard.ports.sink.connector=http
switchboard.ports.sink.url=http://127.0.0.1:$SINK_PORT/calls"
sink_rule "$WORK"
start_hub "$WORK"
ticks() { awk '{print $14+$15}' "/proc/$HUB_PID/stat"; }
python3 "$ROOT/bench/gen_requests.py" bench-secret 200000 warm --type bench.e2e > "$WORK/warm.txt"
python3 "$ROOT/bench/gen_requests.py" bench-secret 200000 load --type bench.e2e > "$WORK/load.txt"
wrk -t2 -c64 -d40s -s "$ROOT/bench/ingest.lua" http://127.0.0.1:18080 -- "$WORK/warm.txt" 2 0 > /dev/null
until [[ $(pending) == 0 ]]; do sleep 1; done
# jcmd reads key=value arguments itself: the agent's options go through quoted.
[[ -n "${AP_LIB:-}" ]] && jcmd "$HUB_PID" JVMTI.agent_load "$AP_LIB" '"start,event=cpu,interval=1ms"' > /dev/null
e0=$(sql "select count(*) from event"); t0=$(ticks); s0=$(date +%s.%N)
RESULT=$(wrk -t2 -c64 -d30s -s "$ROOT/bench/ingest.lua" http://127.0.0.1:18080 -- "$WORK/load.txt" 2 0 | grep '^RESULT')
until [[ $(pending) == 0 ]]; do sleep 0.5; done
e1=$(sql "select count(*) from event"); t1=$(ticks); s1=$(date +%s.%N)
[[ -n "${AP_LIB:-}" ]] && jcmd "$HUB_PID" JVMTI.agent_load "$AP_LIB" "\"stop,collapsed,file=${AP_OUT:?where the profile goes}\"" > /dev/null
echo "$LABEL: $((e1 - e0)) events, JVM $(awk -v t=$((t1 - t0)) -v n=$((e1 - e0)) -v hz="$(getconf CLK_TCK)" \
  'BEGIN {printf "%.3f", 1000 * t / hz / n}') ms CPU per event; end to end $(awk -v n=$((e1 - e0)) -v a="$s0" -v b="$s1" \
  'BEGIN {printf "%.0f", n / (b - a)}') events/s; $RESULT"
