#!/usr/bin/env bash
# Backtest speed (issue 16): one million recorded events judged by the example rules and by a
# candidate that changes one action's body, on the hub as built (embedded default, durable), in
# bounded memory; compared in the same run with a plain evaluation loop over the same events
# (./backtest --baseline: each event parsed and judged once by the rules in force, nothing else).
#
#   bench/backtest.sh              one million events
#   EVENTS=100000 bench/backtest.sh
#
# Appends its figures and this command to bench/RESULTS-backtest.md.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/bench/fresh-hub.sh"
EVENTS=${EVENTS:-1000000}
WORK=${WORK:-/tmp/switchboard-bench-backtest}
[ -f "$ROOT/target/quarkus-app/quarkus-run.jar" ] || (cd "$ROOT" && ./mvnw -B -q package -DskipTests)

fresh_hub_dir "$WORK" "switchboard.sources.shop.kind=webhook
switchboard.sources.shop.signature=none
switchboard.ports.crm.connector=log
switchboard.ports.chat.connector=log
quarkus.security.users.embedded.users.ops=bench-operator-secret
quarkus.security.users.embedded.roles.ops=operator"
cp "$ROOT"/rules/*.yaml "$WORK/rules/"; mkdir -p "$WORK/rules/models"; cp "$ROOT"/rules/models/*.sql "$WORK/rules/models/"
# The candidate: the CRM tag also carries the order's total.
rm -rf "$WORK/rules-next"; cp -r "$WORK/rules" "$WORK/rules-next"
sed -i 's/"event": "{{type}}"}/"event": "{{type}}", "total": {{data.total}}}/' "$WORK/rules-next/shop-orders.yaml"
start_hub "$WORK"

echo "Recording $EVENTS events..."
psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -q -c "
insert into event (id, source, delivery_id, type, received_at, state, envelope)
select gen_random_uuid(), 'shop', 'd' || n, t, now() - (($EVENTS - n) * interval '1 millisecond'), 'IGNORED',
  jsonb_build_object('specversion', '1.0', 'id', gen_random_uuid(), 'source', 'shop', 'type', t,
    'datacontenttype', 'application/json', 'time', now(),
    'data', jsonb_build_object('id', 'o-' || n, 'total', (n::bigint * 7919) % 2000,
      'customer', jsonb_build_object('email', 'c' || (n % 5000) || '@example.com', 'name', 'Customer ' || n),
      'items', jsonb_build_array(jsonb_build_object('sku', 's-1', 'qty', 1), jsonb_build_object('sku', 's-2', 'qty', 2))))
from generate_series(1, $EVENTS) n,
  lateral (select (array['shop.order.created','shop.order.paid','shop.order.refunded','crm.contact.updated'])[1 + n % 4] as t) types;"
psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -q -c "vacuum analyze event"

AUTH=(-u ops:bench-operator-secret)
started=$(date +%s.%N)
id=$(curl -sf "${AUTH[@]}" -H 'Content-Type: application/json' -X POST http://127.0.0.1:18080/api/backtest \
  -d "{\"folder\": \"$WORK/rules-next\", \"source\": \"shop\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
rss_max=0
while :; do
  status=$(curl -sf "${AUTH[@]}" "http://127.0.0.1:18080/api/backtest/$id")
  state=$(echo "$status" | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])')
  rss=$(ps -o rss= -p "$HUB_PID" | tr -d ' '); [ "$rss" -gt "$rss_max" ] && rss_max=$rss
  [ "$state" != RUNNING ] && break
  sleep 1
done
ended=$(date +%s.%N)
hub_seconds=$(python3 -c "print(round($ended - $started, 1))")
summary=$(echo "$status" | python3 -c 'import json,sys; s=json.load(sys.stdin); r=s["report"]; print("state %s, %d events, %d changes, failures before/after %d/%d; " % (s["state"], r["events"], r["changes"], r["failuresBefore"], r["failuresAfter"]) + ", ".join("%s %d->%d (+%d -%d ~%d)" % (x["rule"], x["matchedBefore"], x["matchedAfter"], x["added"], x["removed"], x["changed"]) for x in r["rules"]))')

echo "Exporting for the offline loops..."
curl -sf "${AUTH[@]}" "http://127.0.0.1:18080/api/events/export?source=shop" > "$WORK/events.jsonl"
kill "$HUB_PID"; wait 2>/dev/null || true
baseline=$(cd "$ROOT" && ./backtest --before "$WORK/rules" --events "$WORK/events.jsonl" --config "$WORK/application.properties" --baseline 2>/dev/null | head -1)
offline=$(cd "$ROOT" && ./backtest --before "$WORK/rules" --after "$WORK/rules-next" --events "$WORK/events.jsonl" --config "$WORK/application.properties" --max-changes 100000000 --allow-unjudged 2>/dev/null | head -1)

{
  echo
  echo "## $(date -u +%Y-%m-%dT%H:%MZ), $EVENTS events, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "\`EVENTS=$EVENTS bench/backtest.sh\`"
  echo
  echo "| what | figure |"
  echo "|---|---|"
  echo "| hub backtest (\`POST /api/backtest\`, read from the database page by page, models run read-only) | $hub_seconds s, $(python3 -c "print(round($EVENTS / $hub_seconds))") events/s, hub RSS peak $((rss_max / 1024)) MB |"
  echo "| its result | $summary |"
  echo "| baseline: plain evaluation loop over the export (\`./backtest --baseline\`, no models) | $baseline |"
  echo "| offline backtest over the export (\`./backtest\`, no models) | $offline |"
} | tee -a "$ROOT/bench/RESULTS-backtest.md"
