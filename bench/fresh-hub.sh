# Sourced by the bench scripts that measure one hub on the embedded default (step, memory, costs,
# cpu-per-event, latency, backtest).
#
# fresh_hub_dir WORK EXTRA_PROPERTIES: an empty working directory (data, rules/) whose
# application.properties has the webhook source `bench` (HMAC-SHA256, secret bench-secret), the
# ports and quiet logs, plus the extra properties given.
fresh_hub_dir() {
  local work=$1 extra=$2
  stop_hubs_in "$work"
  rm -rf "$work"; mkdir -p "$work/rules"
  cat > "$work/application.properties" <<PROPS
quarkus.http.port=18080
switchboard.embedded.broker-port=16162
switchboard.embedded.amqp-port=16163
switchboard.sources.bench.kind=webhook
switchboard.sources.bench.signature=hmac-sha256
switchboard.sources.bench.secret=bench-secret
switchboard.sources.bench.signature-prefix=sha256=
switchboard.sources.bench.event-id=jsonpath:\$.id
switchboard.sources.bench.event-type=jsonpath:\$.type
quarkus.log.level=WARN
quarkus.log.category."dev.switchboard".level=INFO
$extra
PROPS
}

# sink_rule WORK: the one rule the steps measure, every bench.e2e event to the port `sink`.
sink_rule() {
  cat > "$1/rules/bench.yaml" <<'RULES'
rules:
  - id: orders-to-sink
    on: bench.e2e
    actions: [{id: post, port: sink, body: '{"order": "{{data.id}}"}'}]
RULES
}

# stop_hub: stops the hub start_hub started (and waits for it, so its embedded PostgreSQL is
# stopped too); any other Switchboard on the machine is left alone.
stop_hub() {
  [[ -n "${HUB_PID:-}" ]] || return 0
  stop_pid "$HUB_PID"
  HUB_PID=
}

# stop_pid PID: SIGTERM, and SIGKILL should it not have ended within 60 s (a JVM hung after an
# OutOfMemoryError).
stop_pid() {
  local waited=0
  kill "$1" 2>/dev/null || true
  while kill -0 "$1" 2>/dev/null; do
    sleep 0.2; waited=$((waited + 1))
    (( waited < 300 )) || { kill -9 "$1" 2>/dev/null || true; break; }
  done
}

# stop_hubs_in WORK: stops a hub an interrupted run left running in WORK (found by its working
# directory), before WORK is emptied under it.
stop_hubs_in() {
  local pid
  for pid in $(pgrep -f "quarkus-run.jar"); do
    if [[ $(readlink "/proc/$pid/cwd" 2>/dev/null) == "$1" ]]; then stop_pid "$pid"; fi
  done
}

# sql QUERY: one query to the embedded PostgreSQL of the hub start_hub started, unaligned.
sql() { psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -Atqc "$1"; }

# pending: events not yet judged plus runs not yet ended; 0 once the hub has drained.
pending() { sql "select (select count(*) from event where state = 'RECEIVED')
  + (select count(*) from action_run where state in ('PENDING','RUNNING','FAILED'))"; }

# start_hub WORK [VAR=value ...]: the hub as built, run in WORK with that environment and
# HUB_JAVA_OPTS (default a 256 MB heap) plus HUB_EXTRA_JAVA_OPTS; stopped when the script exits.
# Sets HUB_PID and PG_PORT (its embedded PostgreSQL) once it is ready, and exports PGPASSWORD (the
# password the hub generated for it, kept in data/postgres.password) for psql.
start_hub() {
  local work=$1; shift
  # Another hub on the port would answer for this one.
  if curl -s -o /dev/null http://127.0.0.1:18080/; then echo "port 18080 is taken: stop what listens there" >&2; exit 1; fi
  # exec all the way down, so that $! is the hub's JVM itself.
  (cd "$work" && exec env "$@" java ${HUB_JAVA_OPTS:--Xms256m -Xmx256m} ${HUB_EXTRA_JAVA_OPTS:-} \
    -jar "${HUB_APP:-$ROOT/target/quarkus-app}/quarkus-run.jar" > hub.log 2>&1) &
  HUB_PID=$!
  # A script that also stops other things sets its own trap (calling stop_hub) before this.
  [[ -n "$(trap -p EXIT)" ]] || trap stop_hub EXIT
  until curl -sf http://127.0.0.1:18080/q/health/ready >/dev/null; do
    kill -0 "$HUB_PID" 2>/dev/null || { echo "the hub stopped: $work/hub.log" >&2; exit 1; }
    sleep 0.5
  done
  PG_PORT=$(grep -o 'embedded PostgreSQL on port [0-9]*' "$work/hub.log" | awk '{print $NF}')
  PGPASSWORD=$(cat "$work/data/postgres.password"); export PGPASSWORD
}
