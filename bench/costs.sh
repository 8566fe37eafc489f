#!/usr/bin/env bash
# What one event costs the database and the broker (docs/capacity.md): the hub as built, fresh on
# the embedded default (durable: fsync on), one rule with one action to a `log` port, loaded with
# new signed webhooks; before and after each load, once the stream and the runs have drained, it
# reads PostgreSQL's own counters (pg_stat_wal: WAL records, bytes, full-page images, syncs;
# pg_stat_database: commits; pg_stat_user_tables: rows written) and the hub's batch metrics
# (switchboard_batch_size per stage: batches and their mean size), and divides by the events.
#
#   bench/costs.sh            (build first: ./mvnw -DskipTests package; needs wrk, psql, python3)
#   COSTS_LOADS="64:0:40s 8:16:20s" bench/costs.sh   (connections:delay-ms:duration per load)
#
# Ports 28080 (HTTP) and 26162/26163 (embedded broker); the hub it starts is stopped by its pid.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$ROOT/target/bench/costs
. "$ROOT/bench/fresh-hub.sh"
LOADS=${COSTS_LOADS:-"64:0:40s 8:16:20s"}
PORT=28080

rm -rf "$WORK"; mkdir -p "$WORK/rules"
cat > "$WORK/application.properties" <<PROPS
quarkus.http.port=$PORT
switchboard.embedded.broker-port=26162
switchboard.embedded.amqp-port=26163
switchboard.sources.bench.kind=webhook
switchboard.sources.bench.signature=hmac-sha256
switchboard.sources.bench.secret=bench-secret
switchboard.sources.bench.signature-prefix=sha256=
switchboard.sources.bench.event-id=jsonpath:\$.id
switchboard.sources.bench.event-type=jsonpath:\$.type
switchboard.ports.sink.connector=log
quarkus.log.level=WARN
quarkus.log.category."dev.switchboard".level=INFO
PROPS
sink_rule "$WORK"

(cd "$WORK" && exec java ${HUB_JAVA_OPTS:--Xms256m -Xmx256m} -jar "$ROOT/target/quarkus-app/quarkus-run.jar" > hub.log 2>&1) &
HUB=$!
trap 'kill $HUB 2>/dev/null || true' EXIT
until curl -sf "http://127.0.0.1:$PORT/q/health/ready" >/dev/null; do
  kill -0 $HUB 2>/dev/null || { echo "the hub stopped: $WORK/hub.log" >&2; exit 1; }
  sleep 0.5
done
PG_PORT=$(grep -o 'embedded PostgreSQL on port [0-9]*' "$WORK/hub.log" | awk '{print $NF}')
PGPASSWORD=$(cat "$WORK/data/postgres.password"); export PGPASSWORD
sql() { psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -AtF' ' -c "$1"; }
drain() { until [[ $(pending) == 0 ]]; do sleep 1; done; sleep 2; }

# One line of counters: events, WAL records, WAL bytes, full-page images, WAL syncs, commits,
# rows inserted, updated, deleted, then count and sum of each batch stage.
counters() {
  local db wal rows batches
  db=$(sql "select xact_commit from pg_stat_database where datname = 'postgres'")
  wal=$(sql "select wal_records, wal_bytes, wal_fpi, wal_sync from pg_stat_wal")
  rows=$(sql "select sum(n_tup_ins), sum(n_tup_upd), sum(n_tup_del) from pg_stat_user_tables")
  batches=$(curl -sf "http://127.0.0.1:$PORT/q/metrics" | awk '
    /^switchboard_batch_size_(count|sum)\{/ { match($0, /stage="[a-z]+"/); s = substr($0, RSTART + 7, RLENGTH - 8);
      if ($0 ~ /_count/) c[s] = $NF; else m[s] = $NF }
    END { split("accept relay stream outcomes", st, " "); for (i = 1; i <= 4; i++) printf "%s %s ", c[st[i]] + 0, m[st[i]] + 0 }')
  echo "$(sql "select count(*) from event") $wal $db $rows $batches"
}

python3 "$ROOT/bench/gen_requests.py" bench-secret 100000 costwarm --type bench.e2e > "$WORK/warm.txt"
wrk -t2 -c64 -d20s -s "$ROOT/bench/ingest.lua" "http://127.0.0.1:$PORT" -- "$WORK/warm.txt" 2 0 > /dev/null
drain

echo "bench/costs.sh at $(git -C "$ROOT" rev-parse --short HEAD), $(date -u +%FT%TZ), $(nproc) cores, one rule to a log port"
n=0
for load in $LOADS; do
  IFS=: read -r conns delay duration <<< "$load"
  n=$((n + 1))
  python3 "$ROOT/bench/gen_requests.py" bench-secret 400000 "cost$n" --type bench.e2e > "$WORK/load$n.txt"
  before=$(counters)
  result=$(wrk -t2 -c"$conns" -d"$duration" -s "$ROOT/bench/ingest.lua" "http://127.0.0.1:$PORT" -- "$WORK/load$n.txt" 2 "$delay" | grep '^RESULT' || true)
  drain
  after=$(counters)
  echo "load: $conns connections, ${delay} ms apart, $duration: $result"
  paste -d' ' <(tr ' ' '\n' <<< "$before") <(tr ' ' '\n' <<< "$after") | awk '
    { d[NR] = $2 - $1 }
    END {
      e = d[1]; if (e <= 0) { print "  no events"; exit }
      printf "  events %d\n", e
      printf "  PostgreSQL per event: %.2f WAL records, %.0f WAL bytes (%.3f full-page images), %.3f WAL syncs, %.3f commits\n", d[2]/e, d[3]/e, d[4]/e, d[5]/e, d[6]/e
      printf "  rows per event: %.2f inserted, %.2f updated, %.2f deleted\n", d[7]/e, d[8]/e, d[9]/e
      split("accept relay stream outcomes", st, " ")
      for (i = 0; i < 4; i++) { c = d[10 + 2*i]; s = d[11 + 2*i];
        printf "  batches %-8s %6d, mean size %6.1f, %.3f per event\n", st[i+1], c, (c > 0 ? s/c : 0), c/e }
    }'
done
