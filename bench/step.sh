#!/usr/bin/env bash
# One before/after measurement of a hot-path step (bench/RESULTS.md, "Hot-path steps"): the hub
# as built, started fresh on the embedded default, warmed up for 20 s, then loaded for
# STEP_DURATION (40s) at STEP_CONNECTIONS (64) with new ids through one rule (log port), the
# backlog left when the load stops, and the time the stream and the runs need to drain it.
#
#   bench/step.sh LABEL     (build first: ./mvnw -DskipTests package)
#   STEP_PROPERTIES="switchboard.stream.consumers=8" bench/step.sh LABEL   (extra hub settings)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$ROOT/target/bench/step
LABEL=${1:?a label for this measurement}
DURATION=${STEP_DURATION:-40s}
CONNECTIONS=${STEP_CONNECTIONS:-64}

. "$ROOT/bench/fresh-hub.sh"
fresh_hub_dir "$WORK" "switchboard.ports.sink.connector=log
${STEP_PROPERTIES:-}"
sink_rule "$WORK"
start_hub "$WORK"

python3 "$ROOT/bench/gen_requests.py" bench-secret 200000 warm --type bench.e2e > "$WORK/warm.txt"
python3 "$ROOT/bench/gen_requests.py" bench-secret 200000 load --type bench.e2e > "$WORK/load.txt"
wrk -t2 -c64 -d20s -s "$ROOT/bench/ingest.lua" http://127.0.0.1:18080 -- "$WORK/warm.txt" 2 0 > /dev/null
until [[ $(pending) == 0 ]]; do sleep 1; done
RESULT=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" -s "$ROOT/bench/ingest.lua" http://127.0.0.1:18080 -- "$WORK/load.txt" 2 0 | grep '^RESULT')
start=$(date +%s)
backlog=$(pending)
cpu_before=$(head -1 /proc/stat)
until [[ $(pending) == 0 ]]; do sleep 1; done
# How busy the machine's cores were while the backlog drained (user+system+..., not idle or iowait).
busy=$(printf '%s\n%s\n' "$cpu_before" "$(head -1 /proc/stat)" | awk '{idle=$5+$6; total=0; for (i=2; i<=NF; i++) total+=$i;
  if (NR==1) {i0=idle; t0=total} else printf "%.0f", 100*(1-(idle-i0)/(total-t0))}')
echo "$LABEL ($CONNECTIONS connections): $RESULT; $backlog events or runs pending when the load stopped," \
  "drained $(( $(date +%s) - start )) s after (CPU ${busy}% busy meanwhile)"
