#!/usr/bin/env bash
# Switchboard benchmark: the hub as built, loaded with pre-signed webhooks (wrk), checked, and
# compared in the same run with baselines (nginx `return 200`, pgbench single-row commits).
# Writes bench/RESULTS.md.
#
#   bench/run.sh            full run (about 30 minutes on 2 cores, plus 20 to 40 for the RSS after
#                           one million events; RSS_EVENTS=100000 shortens that step)
#   bench/run.sh --smoke    a few seconds per step, to check that the script works
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
  DURATION=3s; CONNECTIONS="16"; RSS_EVENTS=2000; GROWTH_ROWS=20000; PER_RUN=20000
  RESULTS=$WORK/RESULTS-smoke.md
else
  DURATION=${DURATION:-20s}; CONNECTIONS="16 64 256"; RSS_EVENTS=${RSS_EVENTS:-1000000}; GROWTH_ROWS=5000000
  PER_RUN=200000
fi
SECRET=bench-secret
# The hub's JVM as the README recommends running it: a bounded heap (the JVM's default ceiling is
# a quarter of the machine's memory, so RSS would only say how much the machine has).
HUB_JAVA_OPTS=${HUB_JAVA_OPTS:--Xms256m -Xmx256m}
HUB_PORT=18080; SINK_PORT=18081; PG_PORT=15432; BROKER_PORT=16161; EMBEDDED_BROKER_PORT=16162; EMBEDDED_AMQP_PORT=16163
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

log() { echo "[bench $(date +%T)] $*" >&2; }
figures=()
record() { figures+=("$1"); log "$1"; }

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
  cat > "$WORK/nginx/nginx.conf" <<EOF
worker_processes 2;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  server { listen 127.0.0.1:$SINK_PORT; location / { access_log $WORK/nginx/logs/sink.log; return 200; } }
  server { listen 127.0.0.1:$((SINK_PORT + 1)); location / { return 200; } }
}
EOF
  nginx -p "$WORK/nginx" -c nginx.conf
}

start_postgres() {
  rm -rf "$WORK/pgdata"; mkdir -p "$WORK/pgdata"; chown postgres "$WORK/pgdata"
  runuser -u postgres -- "$PG_BIN/initdb" -D "$WORK/pgdata" -A trust -U postgres >/dev/null
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$WORK/pgdata" -l "$WORK/pgdata/server.log" -w start \
    -o "-p $PG_PORT -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=400 -c shared_buffers=512MB" >/dev/null
  "$PG_BIN/psql" -h 127.0.0.1 -p $PG_PORT -U postgres -qc "create database switchboard" -c "create database pgbench"
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
  "$WORK/broker/bin/artemis" run > "$WORK/broker.log" 2>&1 &
  BROKER_PID=$!
  for _ in $(seq 60); do grep -q "AMQ221007" "$WORK/broker.log" && return; sleep 1; done
  log "the standalone broker did not start"; exit 1
}

baseline_nginx() {
  for c in $CONNECTIONS; do
    local out; out=$(wrk -t2 -c"$c" -d"$DURATION" --latency "http://127.0.0.1:$((SINK_PORT + 1))/" )
    record "baseline nginx return-200, $c connections: $(echo "$out" | awk '/Requests\/sec/ {print $2}') req/s, p99 $(echo "$out" | awk '$1=="99%" {print $2}')"
    eval "NGINX_RPS_$c=$(echo "$out" | awk '/Requests\/sec/ {print $2}')"
  done
}

baseline_pgbench() {
  "$PG_BIN/psql" -h 127.0.0.1 -p $PG_PORT -U postgres -d pgbench -qc "create table if not exists keys (k text primary key)"
  cat > "$WORK/insert.sql" <<'EOF'
\set n random(1, 2000000000)
INSERT INTO keys (k) VALUES ('key-' || :client_id || '-' || :n) ON CONFLICT DO NOTHING;
EOF
  for c in $CONNECTIONS 32; do
    local tps; tps=$("$PG_BIN/pgbench" -n -h 127.0.0.1 -p $PG_PORT -U postgres -c "$c" -j 2 -T "${DURATION%s}" \
      -f "$WORK/insert.sql" pgbench 2>/dev/null | awk '/^tps/ {print $3; exit}')
    record "baseline pgbench INSERT ... ON CONFLICT DO NOTHING, $c clients: $tps commits/s"
    eval "PGBENCH_TPS_$c=$tps"
  done
}

# --- the hub ----------------------------------------------------------------------------------

# start_hub NAME [ENV...]: starts the packaged hub in $WORK/NAME; sets HUB_PID, STARTUP_MS.
start_hub() {
  local name=$1; shift
  local dir=$WORK/$name
  mkdir -p "$dir/rules"
  cat > "$dir/application.properties" <<EOF
quarkus.http.port=$HUB_PORT
switchboard.embedded.broker-port=$EMBEDDED_BROKER_PORT
switchboard.embedded.amqp-port=$EMBEDDED_AMQP_PORT
switchboard.sources.bench.signature=hmac-sha256
switchboard.sources.bench.secret=$SECRET
switchboard.sources.bench.signature-prefix=sha256=
switchboard.sources.bench.event-id=jsonpath:\$.id
switchboard.sources.bench.event-type=jsonpath:\$.type
switchboard.ports.sink.connector=http
switchboard.ports.sink.url=http://127.0.0.1:$SINK_PORT/orders
quarkus.log.level=WARN
quarkus.log.category."dev.switchboard".level=INFO
EOF
  cat > "$dir/rules/bench.yaml" <<'EOF'
rules:
  - id: orders-to-sink
    on: bench.e2e
    actions: [{id: post, port: sink, body: '{"order": "{{data.id}}", "email": "{{data.customer.email}}"}'}]
EOF
  local start; start=$(date +%s%N)
  (cd "$dir" && env "$@" java $HUB_JAVA_OPTS -jar "$ROOT/target/quarkus-app/quarkus-run.jar" > hub.log 2>&1) &
  HUB_PID=$!
  until curl -sf "http://127.0.0.1:$HUB_PORT/q/health/ready" >/dev/null; do
    kill -0 $HUB_PID 2>/dev/null || { log "the hub exited: $(tail -20 "$dir/hub.log")"; exit 1; }
    sleep 0.05
  done
  STARTUP_MS=$(( ($(date +%s%N) - start) / 1000000 ))
  HUB_PID=$(pgrep -f "quarkus-run.jar" | head -1)
  JDBC_PORT=$(grep -o 'embedded PostgreSQL on port [0-9]*' "$dir/hub.log" | awk '{print $NF}' || true)
  # The embedded database needs the password the hub generated (ignored by the bench's own server).
  HUB_DB_PASSWORD=$(cat "$dir/data/postgres.password" 2>/dev/null || true)
}

stop_hub() { kill "$HUB_PID"; wait "$HUB_PID" 2>/dev/null || true; while kill -0 "$HUB_PID" 2>/dev/null; do sleep 0.2; done; HUB_PID=; }

rss_mb() { awk '/VmRSS/ {printf "%d", $2/1024}' "/proc/$HUB_PID/status"; }

hub_sql() { PGPASSWORD=$HUB_DB_PASSWORD "$PG_BIN/psql" -h 127.0.0.1 -p "$HUB_DB_PORT" -U postgres -d "$HUB_DB" -Atqc "$1"; }

# ingest LABEL CONNECTIONS FILE [DELAY_MS]: one wrk run; sets RESULT_* from its RESULT line.
ingest() {
  local label=$1 c=$2 file=$3 pause=${4:-0}
  local before; before=$(hub_sql "select count(*) from event where source = 'bench'")
  local out; out=$(wrk -t2 -c"$c" -d"$DURATION" -s "$BENCH/ingest.lua" "http://127.0.0.1:$HUB_PORT" -- "$file" 2 "$pause" | grep '^RESULT')
  eval "$(echo "$out" | sed 's/^RESULT //; s/\([a-z0-9_]*\)=/RESULT_\1=/g')"
  local after; after=$(hub_sql "select count(*) from event where source = 'bench'")
  local stored=$(( after - before ))
  # Requests still in flight when wrk stops are stored but their 202 is never counted: at most
  # one per connection. More events than that, or fewer than the 202s, would be a defect.
  local check="$stored new events for $RESULT_accepted 202s (+ at most $c in flight at the cut-off): OK"
  if (( stored < RESULT_accepted || stored > RESULT_accepted + c )); then
    check="MISMATCH: $RESULT_accepted 202s but $stored new events"
  fi
  record "$label, $c connections: $RESULT_rps req/s, p50 $RESULT_p50 ms, p99 $RESULT_p99 ms, p99.9 $RESULT_p999 ms, $RESULT_accepted accepted, $RESULT_duplicates duplicates, errors $RESULT_other non-2xx + $RESULT_socket_errors socket; $check"
}

requests_file() { # requests_file NAME [gen args...]
  local file=$WORK/requests-$1.txt; shift
  python3 "$BENCH/gen_requests.py" "$SECRET" "$@" > "$file"
  echo "$file"
}

# Waits until the stream consumer has caught up (no event still RECEIVED) and no run is waiting;
# records how long that took after the load stopped.
await_drained() {
  local label=$1 start; start=$(date +%s)
  for _ in $(seq 1200); do
    if [[ $(hub_sql "select (select count(*) from event where state = 'RECEIVED')
                          + (select count(*) from action_run where state in ('PENDING','RUNNING','FAILED'))") == 0 ]]; then
      record "$label: the stream and the runs drained $(( $(date +%s) - start )) s after the load stopped"
      return
    fi
    sleep 1
  done
  record "$label: NOT drained after 20 minutes"
}

scenario() { # scenario NAME [ENV...]
  local name=$1; shift
  start_hub "$name" "$@"
  record "[$name] startup to ready: ${STARTUP_MS} ms; RSS after start: $(rss_mb) MB (JVM options: $HUB_JAVA_OPTS)"
  if [[ -n "${JDBC_PORT:-}" ]]; then HUB_DB_PORT=$JDBC_PORT; HUB_DB=postgres; else HUB_DB_PORT=$PG_PORT; HUB_DB=switchboard; fi

  for c in $CONNECTIONS; do
    ingest "[$name] durable ingest, unique ids" "$c" "$(requests_file "$name-u$c" "$PER_RUN" "$name-u$c")"
    eval "INGEST_${name//-/_}_$c=$RESULT_rps"
    await_drained "[$name] after ingest at $c connections"
  done
  ingest "[$name] durable ingest at ~1,000 req/s (16 connections, 16 ms apart)" 16 \
    "$(requests_file "$name-paced" "$PER_RUN" "$name-paced")" 16
  await_drained "[$name] after paced ingest"

  # Duplicates: every id twice, and through a rule, so a second downstream call would show.
  : > "$WORK/nginx/logs/sink.log"
  ingest "[$name] 50% repeated ids, one rule to the http sink" 64 \
    "$(requests_file "$name-dup" "$PER_RUN" "$name-dup" --repeat --type bench.e2e)"
  await_drained "[$name] duplicates pass"
  local events runs calls
  events=$(hub_sql "select count(*) from event where delivery_id like '$name-dup-%'")
  runs=$(hub_sql "select count(*) from action_run r join event e on e.id = r.event_id where e.delivery_id like '$name-dup-%'")
  calls=$(wc -l < "$WORK/nginx/logs/sink.log")
  record "[$name] duplicates: $events events, $runs runs, $calls downstream calls for $RESULT_accepted accepted deliveries (one each expected)"

  # End to end: webhook arrival to the sink's answer, from the recorded times.
  : > "$WORK/nginx/logs/sink.log"
  local since; since=$(hub_sql "select now()")
  ingest "[$name] end to end load" 64 "$(requests_file "$name-e2e" "$PER_RUN" "$name-e2e" --type bench.e2e)"
  await_drained "[$name] end to end load"
  record "[$name] end to end: $(hub_sql "
    select round(count(*) / extract(epoch from max(a.started_at + a.duration_ms * interval '1 ms') - min(e.received_at)))
             || ' events/s through one rule to the http sink; arrival to sink answer p50 '
             || round(percentile_cont(0.5) within group (order by extract(epoch from a.started_at + a.duration_ms * interval '1 ms' - e.received_at) * 1000)::numeric, 1)
             || ' ms, p99 '
             || round(percentile_cont(0.99) within group (order by extract(epoch from a.started_at + a.duration_ms * interval '1 ms' - e.received_at) * 1000)::numeric, 1)
             || ' ms'
    from event e join action_run r on r.event_id = e.id join action_attempt a on a.run_id = r.id and a.outcome = 'SUCCEEDED'
    where e.received_at >= '$since'")"
  : > "$WORK/nginx/logs/sink.log"
  ingest "[$name] end to end at ~500 events/s (8 connections, 16 ms apart)" 8 \
    "$(requests_file "$name-e2e-paced" "$PER_RUN" "$name-e2e-paced" --type bench.e2e)" 16
  await_drained "[$name] end to end at ~500 events/s"
  record "[$name] end to end at that pace: $(hub_sql "
    select 'arrival to sink answer p50 '
             || round(percentile_cont(0.5) within group (order by extract(epoch from a.started_at + a.duration_ms * interval '1 ms' - e.received_at) * 1000)::numeric, 1)
             || ' ms, p99 '
             || round(percentile_cont(0.99) within group (order by extract(epoch from a.started_at + a.duration_ms * interval '1 ms' - e.received_at) * 1000)::numeric, 1)
             || ' ms over ' || count(*) || ' events'
    from event e join action_run r on r.event_id = e.id join action_attempt a on a.run_id = r.id and a.outcome = 'SUCCEEDED'
    where e.delivery_id like '$name-e2e-paced-%'")"
  stop_hub
}

growth() { # growth: ingest rate with GROWTH_ROWS rows in the event and idempotency tables
  start_hub growth QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/switchboard" \
    QUARKUS_DATASOURCE_USERNAME=postgres QUARKUS_DATASOURCE_PASSWORD=postgres \
    QUARKUS_ARTEMIS_URL="tcp://127.0.0.1:$BROKER_PORT" QUARKUS_ARTEMIS_USERNAME=bench QUARKUS_ARTEMIS_PASSWORD=bench
  HUB_DB_PORT=$PG_PORT; HUB_DB=switchboard
  # A warm-up first, so that both measured steps run on a JIT-compiled hub (the JIT compiles
  # for more than a minute of load): then empty tables.
  local measured=$DURATION; [[ $MODE == full ]] && DURATION=60s
  ingest "[growth] warm-up (not compared)" 64 "$(requests_file growth-warm "$PER_RUN" growth-warm)"
  DURATION=$measured
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
  ingest "[growth] with $GROWTH_ROWS rows in event and idempotency_key" 64 "$(requests_file growth-full "$PER_RUN" growth-full)"
  await_drained "[growth] full tables"
  record "[growth] rate with $GROWTH_ROWS stored rows / empty tables: $(python3 -c "print(round($RESULT_rps / $empty * 100, 1))")% (target >= 90%)"
  stop_hub
}

rss_after_events() { # RSS after RSS_EVENTS events on the embedded default
  start_hub rss
  HUB_DB_PORT=$JDBC_PORT; HUB_DB=postgres
  local sent=0 file
  file=$(requests_file rss "$PER_RUN" rss-seed)
  while (( sent < RSS_EVENTS )); do
    local batch=$(( RSS_EVENTS - sent < PER_RUN ? RSS_EVENTS - sent : PER_RUN ))
    python3 "$BENCH/gen_requests.py" "$SECRET" "$batch" "rss-$sent" > "$file"
    wrk -t2 -c256 -d3600s -s "$BENCH/ingest.lua" "http://127.0.0.1:$HUB_PORT" -- "$file" 2 0 > /dev/null &
    local wrk_pid=$!
    until (( $(hub_sql "select count(*) from event where delivery_id like 'rss-$sent-%'") >= batch )); do sleep 1; done
    kill $wrk_pid; wait $wrk_pid 2>/dev/null || true
    sent=$(( sent + batch ))
  done
  record "[rss] RSS after $RSS_EVENTS events on the embedded default (JVM options: $HUB_JAVA_OPTS): $(rss_mb) MB (target < 512 MB); $(hub_sql "select count(*) from event where state = 'RECEIVED'") of them still waiting on the stream"
  stop_hub
}

write_results() {
  local ingest64=${INGEST_embedded_64:-${INGEST_embedded_16:-0}} pg32=${PGBENCH_TPS_32:-1}
  {
    echo "# Switchboard benchmark results"
    echo
    echo "- Date: $(date -u +%FT%TZ); mode: $MODE; duration per load step: $DURATION"
    echo "- Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
    echo "- Versions: $(java -version 2>&1 | head -1); Switchboard $COMMIT;" \
         "$(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2); nginx $(nginx -v 2>&1 | cut -d/ -f2);" \
         "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') (external), Artemis 2.40.0 (standalone)"
    echo "- Command: \`DURATION=$DURATION RSS_EVENTS=$RSS_EVENTS bench/run.sh${1:+ $1}\`; load generator: wrk with \`bench/ingest.lua\` over requests" \
         "pre-signed with HMAC-SHA256 by \`bench/gen_requests.py\` (source \`bench\`, signature \`hmac-sha256\`)."
    echo
    echo "## Figures"
    echo
    for f in "${figures[@]}"; do echo "- $f"; done
    echo
    echo "## Against the baselines and targets"
    echo
    echo "| Measure | Value | Baseline | Ratio | Target |"
    echo "|---|---|---|---|---|"
    echo "| Durable ingest, 64 connections, embedded | ${INGEST_embedded_64:-n/a} req/s | pgbench 32 clients ${pg32} commits/s | $(python3 -c "print(round(${INGEST_embedded_64:-0} / $pg32 * 100, 1))")% | >= 35% |"
    echo "| Durable ingest, 64 connections, external | ${INGEST_external_64:-n/a} req/s | pgbench 32 clients ${pg32} commits/s | $(python3 -c "print(round(${INGEST_external_64:-0} / $pg32 * 100, 1))")% | >= 35% |"
    echo "| Durable ingest, 64 connections, embedded | ${INGEST_embedded_64:-n/a} req/s | nginx return 200 ${NGINX_RPS_64:-n/a} req/s | $(python3 -c "print(round(${INGEST_embedded_64:-0} / ${NGINX_RPS_64:-1} * 100, 2))")% | (context) |"
    echo
    echo "The other targets (p99 under 15 ms at 1,000 req/s, 3,000 events/s end to end with p99 under"
    echo "100 ms at 500 events/s, RSS under 512 MB after one million events, >= 90% of the empty-table rate"
    echo "with five million rows) are compared in the figures above: each line gives the value reached."
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
rm -rf "$WORK/embedded/data"
scenario embedded
scenario external QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/switchboard" \
  QUARKUS_DATASOURCE_USERNAME=postgres QUARKUS_DATASOURCE_PASSWORD=postgres \
  QUARKUS_ARTEMIS_URL="tcp://127.0.0.1:$BROKER_PORT" QUARKUS_ARTEMIS_USERNAME=bench QUARKUS_ARTEMIS_PASSWORD=bench
growth
rm -rf "$WORK/rss/data"
rss_after_events
write_results "${1:-}"
