#!/usr/bin/env bash
# Where an event's time goes between its arrival and the sink's answer, stage by stage: the hub as
# built, fresh on the embedded default, one rule to an http port at nginx `return 200`, warmed up,
# then RATE requests a second for DURATION on a schedule, and the percentiles of each stage from
# the timestamps the hub keeps (bench/steps.md, step 33).
#
#   bench/latency.sh            (build first: ./mvnw -DskipTests package)
#   RATE=200 bench/latency.sh   HUB_JAVA_OPTS=... as for bench/step.sh
#   AP_LIB=.../libasyncProfiler.so AP_OUT=/tmp/paced.collapsed bench/latency.sh   (CPU profile of the paced run)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$ROOT/target/bench/latency
RATE=${RATE:-500}
DURATION=${DURATION:-20s}
SINK_PORT=18099

. "$ROOT/bench/fresh-hub.sh"
. "$ROOT/bench/nginx-sink.sh"
stop_nginx_sink "$WORK/nginx" 2>/dev/null || true # one a killed run left
trap 'stop_hub; stop_nginx_sink "$WORK/nginx" || true' EXIT
fresh_hub_dir "$WORK" "switchboard.ports.sink.connector=http
switchboard.ports.sink.url=http://127.0.0.1:$SINK_PORT/orders"
sink_rule "$WORK"
start_nginx_sink "$WORK/nginx" "$SINK_PORT"
start_hub "$WORK" ${HUB_ENV:-}

python3 "$ROOT/bench/gen_requests.py" bench-secret 200000 warm --type bench.e2e > "$WORK/warm.txt"
python3 "$ROOT/bench/gen_requests.py" bench-secret 100000 paced --type bench.e2e > "$WORK/paced.txt"
wrk -t2 -c64 -d${WARMUP:-30s} -s "$ROOT/bench/ingest.lua" http://127.0.0.1:18080 -- "$WORK/warm.txt" 2 0 > /dev/null
until [[ $(pending) == 0 ]]; do sleep 1; done
# async-profiler over the paced run when AP_LIB is given (as bench/cpu-per-event.sh).
[[ -n "${AP_LIB:-}" ]] && jcmd "$HUB_PID" JVMTI.agent_load "$AP_LIB" '"start,event=cpu,interval=1ms"' > /dev/null
cpu_before=$(head -1 /proc/stat)
# CPU ticks (1/100 s) of each hub thread and of PostgreSQL's processes, before and after the paced run.
threads() { for t in /proc/$HUB_PID/task/*; do
  printf '%s %s %s\n' "${t##*/}" "$(tr ' ' '_' < "$t/comm" 2>/dev/null)" "$(sed 's/^.*) //' "$t/stat" 2>/dev/null | awk '{print $12+$13}')"
  done 2>/dev/null | awk 'NF==3'; }
pg_ticks() { for p in $(pgrep -f postgres); do awk '{print $14+$15}' "/proc/$p/stat" 2>/dev/null; done | awk '{s+=$1} END {print s}'; }
threads > "$WORK/threads.before"; pg_before=$(pg_ticks)
# The JIT's work meanwhile: methods compiled and seconds spent compiling, at the start and the end.
jstat -compiler "$HUB_PID" | awk 'NR==2 {print $1, $4}' > "$WORK/jit.txt"
# Who takes the cores while paced: top's second sample covers most of the paced run.
(top -b -d $(( ${DURATION%s} - 4 )) -n 2 | awk '/^top -/{n++} n==2' | sed -n '7,13p' > "$WORK/top.txt") &
TOP=$!
wrk -t2 -c32 -d"$DURATION" -s "$ROOT/bench/ingest.lua" http://127.0.0.1:18080 -- "$WORK/paced.txt" 2 0 "$RATE" | grep '^RESULT'
# How busy the machine's cores were meanwhile (user+system+..., not idle or iowait).
printf '%s\n%s\n' "$cpu_before" "$(head -1 /proc/stat)" | awk '{idle=$5+$6; total=0; for (i=2; i<=NF; i++) total+=$i;
  if (NR==1) {i0=idle; t0=total} else printf "cores busy while paced: %.0f%%\n", 100*(1-(idle-i0)/(total-t0))}'
until [[ $(pending) == 0 ]]; do sleep 1; done
threads > "$WORK/threads.after"; pg_after=$(pg_ticks)

wait $TOP
[[ -n "${AP_LIB:-}" ]] && jcmd "$HUB_PID" JVMTI.agent_load "$AP_LIB" "\"stop,collapsed,file=${AP_OUT:?where the profile goes}\"" > /dev/null
echo "busiest processes while paced (top):"; cat "$WORK/top.txt"
jstat -compiler "$HUB_PID" | awk 'NR==2 {print $1, $4}' >> "$WORK/jit.txt"
awk 'NR==1 {m=$1; t=$2} NR==2 {printf "JIT while paced: %d methods compiled, %.1f s compiling\n", $1-m, $2-t}' "$WORK/jit.txt"
# CPU per paced event by hub thread group (names without their numbers) and PostgreSQL, over the
# paced run and its drain: what each stage costs an event at this rate.
paced=$(sql "select count(*) from event where delivery_id like 'paced-%'")
echo "CPU per event while paced and drained ($paced events), ms:"
join <(sort "$WORK/threads.before") <(sort "$WORK/threads.after") | awk -v n="$paced" -v pg=$(( pg_after - pg_before )) '
  {g=$2; gsub(/[0-9]+/, "#", g); c[g]+=$5-$3; total+=$5-$3}
  END {for (g in c) if (c[g]*10/n >= 0.01) printf "  %-28s %.3f\n", g, c[g]*10/n;
       printf "  %-28s %.3f\n  %-28s %.3f\n", "hub JVM, all threads", total*10/n, "PostgreSQL", pg*10/n}' | sort -k2,2 -rn

# Stages, from the hub's own timestamps: arrived (the envelope's time, the request read), accepted
# (received_at, the acceptance batch's transaction begun), judged (the run's created_at, the
# stream consumer's transaction begun), called (the attempt's start) and answered (its end).
echo "stage: p50 / p90 / p99 ms at $RATE req/s"
sql "
with t as (
  select (e.envelope->>'time')::timestamptz as arrived, e.received_at as accepted, r.created_at as judged,
         a.started_at as called,
         a.started_at + a.duration_ms * interval '1 ms' as answered
  from event e join action_run r on r.event_id = e.id
  join action_attempt a on a.run_id = r.id and a.outcome = 'SUCCEEDED'
  where e.delivery_id like 'paced-%'),
s as (
  select 'arrived -> accepted' as stage, 1 as n, extract(epoch from accepted - arrived) * 1000 as ms from t
  union all select 'accepted -> judged', 2, extract(epoch from judged - accepted) * 1000 from t
  union all select 'judged -> called', 3, extract(epoch from called - judged) * 1000 from t
  union all select 'called -> answered', 4, extract(epoch from answered - called) * 1000 from t
  union all select 'arrived -> answered', 5, extract(epoch from answered - arrived) * 1000 from t)
select stage || ': ' || round(percentile_cont(0.5) within group (order by ms)::numeric, 1) || ' / '
  || round(percentile_cont(0.9) within group (order by ms)::numeric, 1) || ' / '
  || round(percentile_cont(0.99) within group (order by ms)::numeric, 1) || ' (' || count(*) || ' events)'
from s group by stage, n order by n"
