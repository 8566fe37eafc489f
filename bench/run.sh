#!/usr/bin/env bash
# Switchboard benchmark: the hub as built, on the embedded default (durable: its PostgreSQL runs
# with fsync on and a password), loaded with pre-signed webhooks (wrk), checked, and compared in
# the same run with pgbench (one INSERT ... ON CONFLICT DO NOTHING per transaction, 32 clients)
# on a PostgreSQL this script starts with fsync on. Measures exactly the targets of the issue and
# writes bench/RESULTS.md, with a table at the top: target, figure, ratio, PASS/MISS, command.
#
#   bench/run.sh            full run: about 15 minutes, plus the RSS step (one million events at
#                           about 550 accepted/s is 30 minutes, and up to 20 more waiting for the
#                           backlog to drain; RSS_EVENTS=100000 shortens it, but then the row says so)
#   bench/run.sh --smoke    a few seconds per step, to check that the script works
#
# Targets measured (embedded default unless said otherwise):
#   - signed ingest at 64 connections, req/s >= 1.0x pgbench-32 commits/s
#   - signed ingest p99 <= 20 ms at ~1,000 req/s (32 connections, 1,000 req/s offered on a schedule)
#   - end to end through one rule to nginx `return 200`: 60 s sustained at 64 connections, events/s
#     from the first request to the last SUCCEEDED attempt >= 0.5x pgbench-32, with the stream
#     depth and the pending runs sampled every 5 s (flat: last sample <= 1.25x the median, or < 1,000;
#     a backlog that grows steadily ends at twice its median, so 2x let a linear climb pass)
#   - arrival-to-sink p99 <= 100 ms at ~500 events/s (32 connections, 500 req/s offered on a schedule)
#   - RSS < 512 MB after RSS_EVENTS (one million) events with HUB_JAVA_OPTS, and the backlog drained
#   - ingest with GROWTH_ROWS (five million) stored rows >= 90% of the empty-table rate (this hub on
#     the script's PostgreSQL and a standalone Artemis)
# plus the correctness checks: new events vs 202s on every load step, and one run and one
# downstream call per event with 50% repeated ids.
#
# Needs: Java 17+, python3, and Debian's wrk, nginx and postgresql (installed if missing).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH=$ROOT/bench
WORK=$ROOT/target/bench
RESULTS=${RESULTS:-$BENCH/RESULTS.md}
MODE=full
[[ "${1:-}" == "--smoke" ]] && MODE=smoke
COMMIT=$(cd "$ROOT" && git rev-parse --short HEAD)

if [[ $MODE == smoke ]]; then
  DURATION=3s; E2E_DURATION=6s; SAMPLE_EVERY=1; RSS_EVENTS=2000; GROWTH_ROWS=20000; PER_RUN=20000
  E2E_REQUESTS=20000; WARMUP=3s; DRAIN_LIMIT=300
  RESULTS=$WORK/RESULTS-smoke.md
else
  # The sustained end-to-end step is 60 s whatever DURATION says; its request file holds three
  # times PER_RUN so that wrk does not wrap around (and send redeliveries) below 10,000 req/s.
  DURATION=${DURATION:-20s}; E2E_DURATION=60s; SAMPLE_EVERY=5; RSS_EVENTS=${RSS_EVENTS:-1000000}
  # The warm-ups last until the JIT has settled: on this machine its C2 compiler thread takes a
  # sixth to a fifth of the JVM's CPU for the first ~105 s of load, then almost none (steps.md, 20).
  GROWTH_ROWS=5000000; PER_RUN=200000; E2E_REQUESTS=600000; WARMUP=150s; DRAIN_LIMIT=1200
fi
SECRET=bench-secret
# The hub's JVM as docs/operations.md recommends running it: a bounded heap (the JVM's default
# ceiling is a quarter of the machine's memory, so RSS would only say how much the machine has),
# the serial collector, and the C library's arenas bounded and trimmed (bench/steps.md, step 21).
HUB_JAVA_OPTS=${HUB_JAVA_OPTS:--Xms192m -Xmx192m -XX:+UseSerialGC -Xss512k -XX:TrimNativeHeapInterval=5000}
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
HUB_PORT=18080; SINK_PORT=18081; PG_PORT=15432; BROKER_PORT=16161; EMBEDDED_BROKER_PORT=16162; EMBEDDED_AMQP_PORT=16163
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
# The command as run, with the environment that changes what it measures (the hub inherits
# MALLOC_ARENA_MAX; STEPS picks the steps).
RUN_ENV="MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX ${STEPS:+STEPS=$STEPS }"
RUN_CMD="${RUN_ENV}DURATION=$DURATION RSS_EVENTS=$RSS_EVENTS HUB_JAVA_OPTS='$HUB_JAVA_OPTS' bench/run.sh${1:+ $1}"
[[ $MODE == smoke ]] && RUN_CMD="${RUN_ENV}HUB_JAVA_OPTS='$HUB_JAVA_OPTS' bench/run.sh --smoke"

# stop_pid; its start_hub and stop_hub are replaced by this script's own, defined below.
. "$ROOT/bench/fresh-hub.sh"

log() { echo "[bench $(date +%T)] $*" >&2; }
figures=()
record() { figures+=("$*"); log "$*"; }
# The table at the top of RESULTS.md: one row per target or check.
rows=()
row() { rows+=("| $1 | $2 | $3 | **$4** | $5 |"); log "target: $1 -> $2 ($3) $4"; }
# calc EXPR [UNIT]: a Python expression's value followed by UNIT, or n/a when a figure is missing (an empty or n/a operand).
calc() { local v; v=$(python3 -c "print($1)" 2>/dev/null) && echo "$v${2:-}" || echo n/a; }
# verdict EXPR: PASS when the Python expression is true, MISS when it is false or a figure is missing.
verdict() { [[ $(python3 -c "print(bool($1))" 2>/dev/null) == True ]] && echo PASS || echo MISS; }
CHECK_FAILURES=0

install_tools() {
  local missing=()
  command -v wrk >/dev/null || missing+=(wrk)
  command -v nginx >/dev/null || missing+=(nginx-light)
  [[ -x "$PG_BIN/pgbench" ]] || missing+=(postgresql)
  if (( ${#missing[@]} )); then
    log "installing ${missing[*]}"
    apt-get install -y "${missing[@]}" >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y "${missing[@]}" >/dev/null; }
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  fi
}

cleanup() {
  [[ -n "${HUB_PID:-}" ]] && kill "$HUB_PID" 2>/dev/null || true
  [[ -f $WORK/nginx/nginx.pid ]] && nginx -p "$WORK/nginx" -c nginx.conf -s stop 2>/dev/null || true
  [[ -d $WORK/pgdata ]] && runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$WORK/pgdata" stop -m fast >/dev/null 2>&1 || true
  [[ -n "${BROKER_PID:-}" ]] && kill "$BROKER_PID" 2>/dev/null || true
}
trap cleanup EXIT

# --- baselines and external services -----------------------------------------------------------

start_nginx() {
  mkdir -p "$WORK/nginx/logs"
  cat > "$WORK/nginx/nginx.conf" <<NGINX
worker_processes 2;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  server { listen 127.0.0.1:$SINK_PORT; location / { access_log $WORK/nginx/logs/sink.log; return 200; } }
  server { listen 127.0.0.1:$((SINK_PORT + 1)); location / { return 200; } }
}
NGINX
  nginx -p "$WORK/nginx" -c nginx.conf
}

# The script's own PostgreSQL, for pgbench and the growth hub: trust authentication on 127.0.0.1,
# and durable like the embedded default (fsync and synchronous commit stated, never turned off).
start_postgres() {
  rm -rf "$WORK/pgdata"; mkdir -p "$WORK/pgdata"; chown postgres "$WORK/pgdata"
  runuser -u postgres -- "$PG_BIN/initdb" -D "$WORK/pgdata" -A trust -U postgres >/dev/null
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$WORK/pgdata" -l "$WORK/pgdata/server.log" -w start \
    -o "-p $PG_PORT -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=400 -c shared_buffers=512MB -c fsync=on -c synchronous_commit=on" >/dev/null
  "$PG_BIN/psql" -h 127.0.0.1 -p $PG_PORT -U postgres -qc "create database switchboard" -c "create database pgbench"
  record "the script's PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') (pgbench, growth hub):" \
    "$("$PG_BIN/psql" -h 127.0.0.1 -p $PG_PORT -U postgres -Atqc "select 'fsync=' || current_setting('fsync') || ', synchronous_commit=' || current_setting('synchronous_commit')")"
}

start_broker() {
  local dist=$WORK/apache-artemis-2.40.0
  if [[ ! -d $dist ]]; then
    (cd "$ROOT" && ./mvnw -q -B dependency:copy -Dartifact=org.apache.activemq:apache-artemis:2.40.0:tar.gz:bin \
      -DoutputDirectory="$WORK" -Dmdep.stripVersion=false)
    tar -xzf "$WORK"/apache-artemis-2.40.0-bin.tar.gz -C "$WORK"
  fi
  rm -rf "$WORK/broker"
  "$dist/bin/artemis" create "$WORK/broker" --user bench --password bench --allow-anonymous --silent \
    --host 127.0.0.1 --default-port $BROKER_PORT --no-amqp-acceptor --no-mqtt-acceptor --no-stomp-acceptor \
    --no-hornetq-acceptor >/dev/null
  # The hub refuses a broker whose stream gives up on a message during a database outage
  # (docs/sources.md, external broker): the stream redelivers as on the embedded broker.
  sed -i 's|<address-settings>|<address-settings>\n         <address-setting match="switchboard.events"><redelivery-delay>1000</redelivery-delay><redelivery-delay-multiplier>2</redelivery-delay-multiplier><max-redelivery-delay>60000</max-redelivery-delay><max-delivery-attempts>-1</max-delivery-attempts></address-setting>|' \
    "$WORK/broker/etc/broker.xml"
  "$WORK/broker/bin/artemis" run > "$WORK/broker.log" 2>&1 &
  BROKER_PID=$!
  for _ in $(seq 60); do grep -q "AMQ221007" "$WORK/broker.log" && return; sleep 1; done
  log "the standalone broker did not start"; exit 1
}

baseline_nginx() { # context only: nginx `return 200` at the 64 connections of the ingest target
  NGINX_CMD="wrk -t2 -c64 -d$DURATION --latency http://127.0.0.1:$((SINK_PORT + 1))/"
  local out; out=$($NGINX_CMD)
  NGINX_RPS_64=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  record "baseline nginx return-200, 64 connections: $NGINX_RPS_64 req/s, p99 $(echo "$out" | awk '$1=="99%" {print $2}') (\`$NGINX_CMD\`)"
}

baseline_pgbench() { # one INSERT ... ON CONFLICT DO NOTHING per transaction, 32 clients
  "$PG_BIN/psql" -h 127.0.0.1 -p $PG_PORT -U postgres -d pgbench -qc "create table if not exists keys (k text primary key)"
  cat > "$WORK/insert.sql" <<'SQL'
\set n random(1, 2000000000)
INSERT INTO keys (k) VALUES ('key-' || :client_id || '-' || :n) ON CONFLICT DO NOTHING;
SQL
  PGBENCH_CMD="pgbench -n -h 127.0.0.1 -p $PG_PORT -U postgres -c 32 -j 2 -T ${DURATION%s} -f ${WORK#"$ROOT"/}/insert.sql pgbench"
  PGBENCH_TPS_32=$("$PG_BIN/pgbench" -n -h 127.0.0.1 -p $PG_PORT -U postgres -c 32 -j 2 -T "${DURATION%s}" \
    -f "$WORK/insert.sql" pgbench 2>/dev/null | awk '/^tps/ {print $3; exit}')
  record "baseline pgbench INSERT ... ON CONFLICT DO NOTHING, 32 clients, fsync on: $PGBENCH_TPS_32 commits/s (\`$PGBENCH_CMD\`)"
}

# --- the hub ----------------------------------------------------------------------------------

# start_hub NAME [ENV...]: starts the packaged hub in $WORK/NAME; sets HUB_PID, HUB_DIR, STARTUP_MS.
start_hub() {
  local name=$1; shift
  local dir=$WORK/$name
  HUB_DIR=$dir
  # Another hub on the port would answer for this one.
  if curl -s -o /dev/null "http://127.0.0.1:$HUB_PORT/"; then log "port $HUB_PORT is taken: stop what listens there"; exit 1; fi
  mkdir -p "$dir/rules"
  cat > "$dir/application.properties" <<PROPS
quarkus.http.port=$HUB_PORT
switchboard.embedded.broker-port=$EMBEDDED_BROKER_PORT
switchboard.embedded.amqp-port=$EMBEDDED_AMQP_PORT
switchboard.sources.bench.kind=webhook
switchboard.sources.bench.signature=hmac-sha256
switchboard.sources.bench.secret=$SECRET
switchboard.sources.bench.signature-prefix=sha256=
switchboard.sources.bench.event-id=jsonpath:\$.id
switchboard.sources.bench.event-type=jsonpath:\$.type
switchboard.ports.sink.connector=http
switchboard.ports.sink.url=http://127.0.0.1:$SINK_PORT/orders
quarkus.log.level=WARN
quarkus.log.category."dev.switchboard".level=INFO
PROPS
  cat > "$dir/rules/bench.yaml" <<'RULES'
rules:
  - id: orders-to-sink
    on: bench.e2e
    actions: [{id: post, port: sink, body: '{"order": "{{data.id}}", "email": "{{data.customer.email}}"}'}]
RULES
  local start; start=$(date +%s%N)
  # exec all the way down, so that $! is the hub's JVM itself.
  (cd "$dir" && exec env "$@" java $HUB_JAVA_OPTS -jar "$ROOT/target/quarkus-app/quarkus-run.jar" > hub.log 2>&1) &
  HUB_PID=$!
  until curl -sf "http://127.0.0.1:$HUB_PORT/q/health/ready" >/dev/null; do
    kill -0 $HUB_PID 2>/dev/null || { log "the hub exited: $(tail -20 "$dir/hub.log")"; exit 1; }
    sleep 0.05
  done
  STARTUP_MS=$(( ($(date +%s%N) - start) / 1000000 ))
  JDBC_PORT=$(grep -o 'embedded PostgreSQL on port [0-9]*' "$dir/hub.log" | awk '{print $NF}' || true)
  # The embedded database needs the password the hub generated (ignored by the bench's own server).
  HUB_DB_PASSWORD=$(cat "$dir/data/postgres.password" 2>/dev/null || true)
}

# SIGTERM, and SIGKILL should the hub not have ended within 60 s (stop_pid, bench/fresh-hub.sh).
stop_hub() { stop_pid "$HUB_PID"; wait "$HUB_PID" 2>/dev/null || true; HUB_PID=; }

rss_mb() { awk '/VmRSS/ {printf "%d", $2/1024}' "/proc/$HUB_PID/status"; }

# SQL on the current hub's database. The embedded PostgreSQL has a password, in a file the hub
# writes under its data directory (HUB_PG_PASSWORD_FILE overrides the path); without that file no
# password is sent (the script's own PostgreSQL trusts 127.0.0.1). -w: never prompt.
hub_sql() {
  local pwfile=${HUB_PG_PASSWORD_FILE:-$HUB_DIR/data/postgres.password}
  if [[ -f $pwfile ]]; then
    PGPASSWORD=$(<"$pwfile") "$PG_BIN/psql" -w -h 127.0.0.1 -p "$HUB_DB_PORT" -U postgres -d "$HUB_DB" -Atqc "$1"
  else
    "$PG_BIN/psql" -w -h 127.0.0.1 -p "$HUB_DB_PORT" -U postgres -d "$HUB_DB" -Atqc "$1"
  fi
}

# Events still waiting on the stream, and runs not finished: "RECEIVED PENDING" (two numbers).
backlog() {
  hub_sql "select (select count(*) from event where state = 'RECEIVED') || ' '
               || (select count(*) from action_run where state in ('PENDING','RUNNING','FAILED'))"
}

# ingest LABEL CONNECTIONS FILE [RATE] [DURATION] [SAMPLES]: one wrk run, as fast as the connections
# go or RATE requests a second on a fixed schedule (bench/ingest.lua); sets RESULT_* from its RESULT
# line and WRK_CMD. With SAMPLES, writes "SECONDS RECEIVED PENDING" there every
# SAMPLE_EVERY seconds while wrk runs.
ingest() {
  local label=$1 c=$2 file=$3 rate=${4:-0} duration=${5:-$DURATION} samples=${6:-}
  local before; before=$(hub_sql "select count(*) from event where source = 'bench'")
  WRK_CMD="wrk -t2 -c$c -d$duration -s bench/ingest.lua http://127.0.0.1:$HUB_PORT -- ${file#"$ROOT"/} 2 0 $rate"
  wrk -t2 -c"$c" -d"$duration" -s "$BENCH/ingest.lua" "http://127.0.0.1:$HUB_PORT" -- "$file" 2 0 "$rate" > "$WORK/wrk.out" &
  local wrk_pid=$! t0=$SECONDS next=$SAMPLE_EVERY
  if [[ -n $samples ]]; then
    : > "$samples"
    while kill -0 "$wrk_pid" 2>/dev/null; do
      if (( SECONDS - t0 >= next )); then echo "$next $(backlog)" >> "$samples"; next=$(( next + SAMPLE_EVERY )); fi
      sleep 0.2
    done
  fi
  wait "$wrk_pid"
  local out; out=$(grep '^RESULT' "$WORK/wrk.out")
  eval "$(echo "$out" | sed 's/^RESULT //; s/\([a-z0-9_]*\)=/RESULT_\1=/g')"
  local after; after=$(hub_sql "select count(*) from event where source = 'bench'")
  local stored=$(( after - before ))
  # Requests still in flight when wrk stops are stored but their 202 is never counted: at most
  # one per connection. More events than that, or fewer than the 202s, would be a defect.
  local check="$stored new events for $RESULT_accepted 202s (+ at most $c in flight at the cut-off): OK"
  if (( stored < RESULT_accepted || stored > RESULT_accepted + c )); then
    check="MISMATCH: $RESULT_accepted 202s but $stored new events"
    CHECK_FAILURES=$(( CHECK_FAILURES + 1 ))
  fi
  record "$label, $c connections: $RESULT_rps req/s, p50 $RESULT_p50 ms, p99 $RESULT_p99 ms, p99.9 $RESULT_p999 ms, $RESULT_accepted accepted, $RESULT_duplicates duplicates, errors $RESULT_other non-2xx + $RESULT_socket_errors socket; $check (\`$WRK_CMD\`)"
}

requests_file() { # requests_file NAME [gen args...]
  local file=$WORK/requests-$1.txt; shift
  python3 "$BENCH/gen_requests.py" "$SECRET" "$@" > "$file"
  echo "$file"
}

# Waits until the stream consumer has caught up (no event still RECEIVED) and no run is waiting;
# records how long that took after the load stopped. Sets DRAINED (1 or 0) and DRAIN_S.
await_drained() {
  local label=$1 start; start=$(date +%s)
  for _ in $(seq "$DRAIN_LIMIT"); do
    if [[ $(backlog) == "0 0" ]]; then
      DRAINED=1; DRAIN_S=$(( $(date +%s) - start ))
      record "$label: the stream and the runs drained $DRAIN_S s after the load stopped"
      return
    fi
    sleep 1
  done
  DRAINED=0; DRAIN_S=$(( $(date +%s) - start ))
  record "$label: NOT drained after $DRAIN_S s (events RECEIVED, runs pending: $(backlog))"
}

# The arrival-to-sink figures of the events matching WHERE (on event e): sets E2E_RATE (events/s
# from the first arrival to the last SUCCEEDED attempt's answer), E2E_P50, E2E_P99 (ms), E2E_COUNT.
# Arrival is the envelope's time, set when the hub had read the request: received_at is the start
# of the acceptance batch's transaction, after the signature check and the batch's linger.
e2e_figures() {
  local where=$1
  IFS='|' read -r E2E_RATE E2E_P50 E2E_P99 E2E_COUNT <<< "$(hub_sql "
    with e as (select id, received_at, delivery_id, (envelope->>'time')::timestamptz as arrived_at from event)
    select round(count(*) / nullif(extract(epoch from max(a.started_at + a.duration_ms * interval '1 ms') - min(e.arrived_at)), 0)),
           round(percentile_cont(0.5) within group (order by extract(epoch from a.started_at + a.duration_ms * interval '1 ms' - e.arrived_at) * 1000)::numeric, 1),
           round(percentile_cont(0.99) within group (order by extract(epoch from a.started_at + a.duration_ms * interval '1 ms' - e.arrived_at) * 1000)::numeric, 1),
           count(*)
    from e join action_run r on r.event_id = e.id join action_attempt a on a.run_id = r.id and a.outcome = 'SUCCEEDED'
    where $where")"
  E2E_RATE=${E2E_RATE:-n/a}; E2E_P50=${E2E_P50:-n/a}; E2E_P99=${E2E_P99:-n/a}
}

# flatness SAMPLES: "FLAT ..." or "GROWING ..." for the two series of an ingest SAMPLES file: each
# is flat when its last sample is at most 1.25 times the median of its samples, or under 1,000.
flatness() {
  python3 - "$1" <<'PY'
import statistics, sys
# A sample whose query failed (under load) has fewer than three numbers: left out.
rows = [list(map(int, f)) for f in (line.split() for line in open(sys.argv[1])) if len(f) == 3 and all(x.isdigit() for x in f)]
if not rows:
    print("NONE no samples")
    sys.exit()
verdicts, words = [], []
for name, col in (("stream depth", 1), ("pending runs", 2)):
    series = [r[col] for r in rows]
    median, last = statistics.median(series), series[-1]
    flat = last <= 1.25 * median or last < 1000
    verdicts.append(flat)
    words.append(f"{name} last {last}, median {median:g}: {'flat' if flat else 'GROWING'}")
print("FLAT" if all(verdicts) else "GROWING", "; ".join(words))
PY
}

# --- the targets, on the embedded default ------------------------------------------------------

embedded() {
  local name=embedded pg32=${PGBENCH_TPS_32:-n/a}
  rm -rf "$WORK/$name/data"
  start_hub "$name"
  HUB_DB_PORT=$JDBC_PORT; HUB_DB=postgres
  record "[$name] startup to ready: ${STARTUP_MS} ms; RSS after start: $(rss_mb) MB (JVM options: $HUB_JAVA_OPTS);" \
    "embedded PostgreSQL $(hub_sql "select 'fsync=' || current_setting('fsync') || ', synchronous_commit=' || current_setting('synchronous_commit')")," \
    "password file $( [[ -f ${HUB_PG_PASSWORD_FILE:-$HUB_DIR/data/postgres.password} ]] && echo used || echo 'absent (no password sent)')"

  # A warm-up through the rule first, as for the growth step: the JIT compiles for about two
  # minutes of load, and a cold hub measures the compiler, not the pipeline (bench/steps.md, 16, 20).
  ingest "[$name] warm-up (not measured)" 64 \
    "$(requests_file "$name-warm" "$E2E_REQUESTS" "$name-warm" --type bench.e2e)" 0 "$WARMUP"
  await_drained "[$name] warm-up"

  # Signed ingest at 64 connections against pgbench-32.
  ingest "[$name] signed ingest, unique ids" 64 "$(requests_file "$name-u64" "$PER_RUN" "$name-u64")"
  local rps=$RESULT_rps; INGEST_64=$RESULT_rps
  row "Signed ingest, 64 connections: req/s >= 1.0x pgbench-32 ($pg32 commits/s, fsync on)" "$rps req/s" \
    "$(calc "round($rps / $pg32, 2)" x)" "$(verdict "$rps / $pg32 >= 1.0")" "\`$WRK_CMD\`; \`$PGBENCH_CMD\`"
  await_drained "[$name] after ingest at 64 connections"

  # p99 at ~1,000 req/s: the requests sent on a schedule of 1,000 a second, over connections enough
  # that a slow answer does not hold the next one back (8 held 500 req/s to 380 at a p99 of 90 ms).
  ingest "[$name] signed ingest at ~1,000 req/s (32 connections, 1,000 req/s offered on a schedule)" 32 \
    "$(requests_file "$name-paced" "$PER_RUN" "$name-paced")" 1000
  row "Signed ingest p99 <= 20 ms at ~1,000 req/s (32 connections, 1,000 req/s offered on a schedule)" \
    "p99 $RESULT_p99 ms at $RESULT_rps req/s" "$(calc "round($RESULT_p99 / 20, 2)" "x of 20 ms")" \
    "$(verdict "$RESULT_p99 <= 20")" "\`$WRK_CMD\`"
  await_drained "[$name] after paced ingest"

  # Duplicates: every id twice, and through a rule, so a second downstream call would show.
  : > "$WORK/nginx/logs/sink.log"
  ingest "[$name] 50% repeated ids, one rule to the http sink" 64 \
    "$(requests_file "$name-dup" "$PER_RUN" "$name-dup" --repeat --type bench.e2e)"
  local dup_cmd=$WRK_CMD dup_accepted=$RESULT_accepted
  await_drained "[$name] duplicates pass"
  local events runs calls
  events=$(hub_sql "select count(*) from event where delivery_id like '$name-dup-%'")
  runs=$(hub_sql "select count(*) from action_run r join event e on e.id = r.event_id where e.delivery_id like '$name-dup-%'")
  calls=$(wc -l < "$WORK/nginx/logs/sink.log")
  record "[$name] duplicates: $events events, $runs runs, $calls downstream calls for $dup_accepted accepted deliveries (one each expected)"
  local dup_verdict; dup_verdict=$(verdict "$events == $runs == $calls and $events >= $dup_accepted")
  [[ $dup_verdict == PASS ]] || CHECK_FAILURES=$(( CHECK_FAILURES + 1 ))
  row "Check: 50% repeated ids give one event, one run, one downstream call each" \
    "$events events, $runs runs, $calls calls for $dup_accepted 202s" "-" "$dup_verdict" "\`$dup_cmd\`"

  # End to end, sustained: E2E_DURATION at 64 connections through one rule to nginx, sampling the
  # stream depth and the pending runs; events/s from the first request to the last answer.
  : > "$WORK/nginx/logs/sink.log"
  local since; since=$(hub_sql "select now()")
  local samples=$WORK/samples-$name-e2e.txt
  ingest "[$name] end to end, sustained $E2E_DURATION" 64 \
    "$(requests_file "$name-e2e" "$E2E_REQUESTS" "$name-e2e" --type bench.e2e)" 0 "$E2E_DURATION" "$samples"
  local e2e_cmd=$WRK_CMD
  local flat; flat=$(flatness "$samples")
  record "[$name] during the sustained run, every ${SAMPLE_EVERY} s (seconds: events RECEIVED / runs PENDING+RUNNING+FAILED):" \
    "$(awk '{printf "%s%s s: %s / %s", (NR > 1 ? ", " : ""), $1, $2, $3}' "$samples"); ${flat#* }"
  await_drained "[$name] end to end, sustained"
  e2e_figures "e.received_at >= '$since'"
  record "[$name] end to end: $E2E_RATE events/s through one rule to the http sink (first request to last SUCCEEDED attempt);" \
    "arrival to sink answer p50 $E2E_P50 ms, p99 $E2E_P99 ms over $E2E_COUNT events"
  row "End to end, $E2E_DURATION sustained at 64 connections: events/s >= 0.5x pgbench-32 ($pg32)" \
    "$E2E_RATE events/s (drained $DRAIN_S s after the load)" "$(calc "round($E2E_RATE / $pg32, 2)" x)" \
    "$(verdict "$E2E_RATE / $pg32 >= 0.5")" "\`$e2e_cmd\`"
  local flat_verdict=MISS; [[ $flat == FLAT* ]] && flat_verdict=PASS
  row "Stream depth and pending runs stay flat during that run (last sample <= 1.25x median, or < 1,000)" \
    "$(awk 'END {printf "last sample %s RECEIVED / %s pending", $2, $3}' "$samples"), $(wc -l < "$samples") samples" \
    "-" "$flat_verdict" "samples every ${SAMPLE_EVERY} s during \`$e2e_cmd\`"

  # End to end at ~500 events/s: the requests sent on a schedule of 500 a second.
  : > "$WORK/nginx/logs/sink.log"
  ingest "[$name] end to end at ~500 events/s (32 connections, 500 req/s offered on a schedule)" 32 \
    "$(requests_file "$name-e2e-paced" "$PER_RUN" "$name-e2e-paced" --type bench.e2e)" 500
  local paced_rps=$RESULT_rps
  await_drained "[$name] end to end at ~500 events/s"
  e2e_figures "e.delivery_id like '$name-e2e-paced-%'"
  record "[$name] end to end at that pace: arrival to sink answer p50 $E2E_P50 ms, p99 $E2E_P99 ms over $E2E_COUNT events"
  row "Arrival-to-sink p99 <= 100 ms at ~500 events/s (32 connections, 500 req/s offered on a schedule)" \
    "p99 $E2E_P99 ms at $paced_rps req/s" "$(calc "round($E2E_P99 / 100, 2)" "x of 100 ms")" \
    "$(verdict "$E2E_P99 <= 100")" "\`$WRK_CMD\`"
  stop_hub
}

growth() { # growth: ingest rate with GROWTH_ROWS rows in the event and idempotency tables
  # The hub on the script's PostgreSQL (trust authentication on 127.0.0.1, so the password below
  # only has to be set, not to match) and the standalone Artemis.
  start_hub growth QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/switchboard" \
    QUARKUS_DATASOURCE_USERNAME=postgres QUARKUS_DATASOURCE_PASSWORD=postgres \
    QUARKUS_ARTEMIS_URL="tcp://127.0.0.1:$BROKER_PORT" QUARKUS_ARTEMIS_USERNAME=bench QUARKUS_ARTEMIS_PASSWORD=bench
  HUB_DB_PORT=$PG_PORT; HUB_DB=switchboard
  # A warm-up first, so that both measured steps run on a JIT-compiled hub (the JIT compiles
  # for about two minutes of load): then empty tables.
  ingest "[growth] warm-up (not compared)" 64 "$(requests_file growth-warm "$E2E_REQUESTS" growth-warm)" 0 "$WARMUP"
  await_drained "[growth] warm-up"
  hub_sql "truncate action_attempt, action_run, event, idempotency_key"
  hub_sql "vacuum analyze event"
  hub_sql "vacuum analyze idempotency_key"
  ingest "[growth] empty tables" 64 "$(requests_file growth-empty "$PER_RUN" growth-empty)"
  local empty=$RESULT_rps
  await_drained "[growth] empty tables"
  log "filling $GROWTH_ROWS rows into event and idempotency_key"
  hub_sql "insert into event (id, source, delivery_id, type, received_at, state, envelope)
           select gen_random_uuid(), 'filler', 'f-' || n, 'filler.event', now() - interval '1 day', 'IGNORED', '{}'::jsonb
           from generate_series(1, $GROWTH_ROWS) n"
  hub_sql "insert into idempotency_key (processor, key) select 'ingest', 'filler:f-' || n from generate_series(1, $GROWTH_ROWS) n"
  hub_sql "vacuum analyze event"
  hub_sql "vacuum analyze idempotency_key"
  # Rows that built up over weeks were written out long ago: without this, the fill's dirty pages
  # are written by the checkpoint that falls inside the measured step.
  hub_sql "checkpoint"
  ingest "[growth] with $GROWTH_ROWS rows in event and idempotency_key" 64 "$(requests_file growth-full "$PER_RUN" growth-full)"
  await_drained "[growth] full tables"
  record "[growth] rate with $GROWTH_ROWS stored rows / empty tables: $(calc "round($RESULT_rps / $empty * 100, 1)" %) (target >= 90%)"
  row "Ingest with $GROWTH_ROWS stored rows >= 90% of the empty-table rate (script's PostgreSQL, standalone Artemis)" \
    "$RESULT_rps req/s full, $empty req/s empty" "$(calc "round($RESULT_rps / $empty, 2)" x)" \
    "$(verdict "$RESULT_rps / $empty >= 0.9")" "\`$WRK_CMD\` after filling, the same with ${WORK#"$ROOT"/}/requests-growth-empty.txt before"
  stop_hub
}

rss_after_events() { # RSS after RSS_EVENTS events on the embedded default, and the backlog drained
  rm -rf "$WORK/rss/data"
  start_hub rss
  HUB_DB_PORT=$JDBC_PORT; HUB_DB=postgres
  local sent=0 file cmd
  file=$(requests_file rss "$PER_RUN" rss-seed)
  cmd="wrk -t2 -c256 -d3600s -s bench/ingest.lua http://127.0.0.1:$HUB_PORT -- ${file#"$ROOT"/} 2 0"
  while (( sent < RSS_EVENTS )); do
    local batch=$(( RSS_EVENTS - sent < PER_RUN ? RSS_EVENTS - sent : PER_RUN ))
    python3 "$BENCH/gen_requests.py" "$SECRET" "$batch" "rss-$sent" > "$file"
    wrk -t2 -c256 -d3600s -s "$BENCH/ingest.lua" "http://127.0.0.1:$HUB_PORT" -- "$file" 2 0 > /dev/null &
    local wrk_pid=$!
    until (( $(hub_sql "select count(*) from event where delivery_id like 'rss-$sent-%'") >= batch )); do sleep 1; done
    kill $wrk_pid; wait $wrk_pid 2>/dev/null || true
    sent=$(( sent + batch ))
  done
  local rss_loaded waiting
  rss_loaded=$(rss_mb); waiting=$(hub_sql "select count(*) from event where state = 'RECEIVED'")
  record "[rss] RSS after $RSS_EVENTS events on the embedded default (JVM options: $HUB_JAVA_OPTS): $rss_loaded MB (target < 512 MB); $waiting of them still waiting on the stream"
  await_drained "[rss] backlog after $RSS_EVENTS events"
  local rss_drained; rss_drained=$(rss_mb)
  local rss_max=$(( rss_loaded > rss_drained ? rss_loaded : rss_drained ))
  record "[rss] RSS once drained (or when the wait gave up): $rss_drained MB"
  local what="$RSS_EVENTS events"; (( RSS_EVENTS < 1000000 )) && what="$RSS_EVENTS events (NOT one million: RSS_EVENTS)"
  row "RSS < 512 MB after one million events ($HUB_JAVA_OPTS), backlog drained at the end" \
    "$rss_max MB after $what ($rss_loaded loaded, $rss_drained after the drain); $waiting waiting when the last was accepted, $( ((DRAINED)) && echo "drained in $DRAIN_S s" || echo "NOT drained after $DRAIN_S s")" \
    "$(calc "round($rss_max / 512, 2)" "x of 512 MB")" \
    "$(verdict "$rss_max < 512 and $DRAINED == 1 and $RSS_EVENTS >= 1000000")" \
    "\`$cmd\` in batches of $PER_RUN new ids until $RSS_EVENTS are stored"
  stop_hub
}

write_results() {
  local checks=PASS; (( CHECK_FAILURES == 0 )) || checks=MISS
  {
    echo "# Switchboard benchmark results"
    echo
    echo "Command: \`$RUN_CMD\` ($MODE mode, $(date -u +%FT%TZ), Switchboard $COMMIT). Hub: \`java $HUB_JAVA_OPTS -jar target/quarkus-app/quarkus-run.jar\`"
    echo "on the embedded default (data in \`${WORK#"$ROOT"/}/<step>/data\`), except the growth row. Requests pre-signed with HMAC-SHA256:"
    echo "\`python3 bench/gen_requests.py $SECRET COUNT PREFIX [--repeat] [--type bench.e2e] > ${WORK#"$ROOT"/}/requests-PREFIX.txt\`."
    echo
    echo "| Target | Figure | Ratio | PASS/MISS | Command |"
    echo "|---|---|---|---|---|"
    for r in "${rows[@]}"; do echo "$r"; done
    echo "| Check: every load step's new events match its 202s (+ at most one in flight per connection) | $CHECK_FAILURES failed checks | - | **$checks** | every \`wrk\` line below |"
    echo
    echo "- Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
    echo "- Versions: $(java -version 2>&1 | head -1); Switchboard $COMMIT;" \
         "$(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2); nginx $(nginx -v 2>&1 | cut -d/ -f2);" \
         "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') (the script's, fsync on: pgbench and the growth hub), Artemis 2.40.0 (standalone, growth hub)"
    echo "- Duration per load step: $DURATION; the sustained end-to-end step: $E2E_DURATION. Context:" \
         "nginx \`return 200\` at 64 connections ${NGINX_RPS_64:-n/a} req/s (signed ingest is $(calc "round(${INGEST_64:-0} / ${NGINX_RPS_64:-0} * 100, 2)" %) of it)."
    echo
    echo "## Figures"
    echo
    for f in "${figures[@]}"; do echo "- $f"; done
    echo
    cat "$BENCH/steps.md"
  } > "$RESULTS"
  log "wrote $RESULTS"
}

mkdir -p "$WORK"
install_tools
(cd "$ROOT" && ./mvnw -q -B -DskipTests package)
start_nginx
start_postgres
start_broker
baseline_nginx
baseline_pgbench
# STEPS picks the measured steps (the baselines always run): e.g. STEPS=embedded.
for step in ${STEPS:-embedded growth rss_after_events}; do "$step"; done
write_results
