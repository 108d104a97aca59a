#!/usr/bin/env bash
# Load benchmark, not a test: a monitoring centre's events posted to a running service.
# Makes PENDANTS telecare pendants in homes (default 1,000; the starter catalogue's
# TELECARE-PENDANT, its "test call" rule), starts `equiptrack serve`, then times
# POST /api/v1/telecare/events with N events (default 100,000: heartbeats and test calls,
# a few low batteries, spread over the pendants, each at its own second), sent once as a CSV
# export and once as a JSON array (other times, so both are new), then the CSV again (every
# event a duplicate). On a fresh SQLite database, then on a throwaway PostgreSQL cluster
# started here on 127.0.0.1 (skipped with a note when initdb is missing). The target: each
# import of 100,000 events under 10 seconds.
#
#   scripts/bench-telecare-import.sh                          # release build (built if missing)
#   N=2000 PENDANTS=100 EQUIPTRACK_BIN=target/debug/equiptrack scripts/bench-telecare-import.sh sqlite
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-100000}
PENDANTS=${PENDANTS:-1000}
PG_PORT=${PG_PORT:-15441}
backends=("$@")
[ ${#backends[@]} -gt 0 ] || backends=(sqlite postgres)

bin=${EQUIPTRACK_BIN:-target/release/equiptrack}
if [ ! -x "$bin" ]; then
  [ "$bin" = target/release/equiptrack ] || { echo "no binary at $bin"; exit 1; }
  cargo build --release -q --bin equiptrack
fi
bin=$(realpath "$bin")
work=$(mktemp -d)
pg_data=""
service_pid=""
cleanup() {
  if [ -n "$service_pid" ]; then kill "$service_pid" 2>/dev/null || true; wait "$service_pid" 2>/dev/null || true; fi
  if [ -n "$pg_data" ]; then as_pg "$pg_bin/pg_ctl" -D "$pg_data" -m immediate stop >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The pendants: one client each, fitted 100 days ago, last test call 20 days ago.
awk -v n="$PENDANTS" 'BEGIN { print "reference,name,address,postcode,phone";
  for (i = 1; i <= n; i++) printf "TC%06d,Client %d,\"%d Bench Street, Leeds\",LS%d %dAB,0113 496 %04d\n", i, i, i, 1 + i % 28, i % 10, i % 10000 }' \
  >"$work/clients.csv"
awk -v n="$PENDANTS" 'BEGIN {
  fitted = strftime("%Y-%m-%d", systime() - 100 * 86400, 1);
  checked = strftime("%Y-%m-%d", systime() - 20 * 86400, 1);
  print "asset_tag,type,serial_number,status,client_reference,fitted_at,worker_email,last_check:test call";
  for (i = 1; i <= n; i++)
    printf "PEN-%06d,TELECARE-PENDANT,PND%06d,in_use,TC%06d,%s,worker%d@bench.example,%s\n", i, i, i, fitted, 1 + i % 5, checked
}' >"$work/items.csv"

# N events, pendant i mod PENDANTS, PENDANTS of them a second, the newest `ago` seconds ago
# (recent: an event before the day its item was registered is refused): mostly heartbeats,
# every 10th a test call, every 5,000th a low battery.
events() {
  local format=$1 ago=$2
  awk -v n="$N" -v p="$PENDANTS" -v ago="$ago" -v format="$format" 'BEGIN {
    newest = systime() - ago;
    if (format == "csv") print "serial,kind,occurred_at"; else printf "[";
    for (i = 0; i < n; i++) {
      kind = (i % 5000 == 4999) ? "low_battery" : (i % 10 == 0) ? "test_call" : "heartbeat";
      at = strftime("%Y-%m-%dT%H:%M:%SZ", newest - int(i / p), 1);
      serial = sprintf("PND%06d", 1 + i % p);
      if (format == "csv") printf "%s,%s,%s\n", serial, kind, at;
      else printf "%s{\"serial\":\"%s\",\"kind\":\"%s\",\"occurred_at\":\"%s\"}", (i ? "," : ""), serial, kind, at;
    }
    if (format != "csv") print "]";
  }'
}
span=$(( (N + PENDANTS - 1) / PENDANTS ))
events csv 5 >"$work/events.csv"
events json $((5 + span + 5)) >"$work/events.json"

# Posts one file, prints the wall time and the rate, and checks the counts the service gave.
post() {
  local label=$1 file=$2 content_type=$3 expect_recorded=$4
  local out="$work/answer.json" timing
  timing=$(curl -sS -o "$out" -w '%{http_code} %{time_total}' -X POST \
    -H "Authorization: Bearer $token" -H "Content-Type: $content_type" \
    --data-binary "@$file" "$base/api/v1/telecare/events")
  local status=${timing% *} seconds=${timing#* }
  [ "$status" = 200 ] || { echo "$label: HTTP $status"; head -c 2000 "$out"; echo; return 1; }
  python3 - "$out" "$N" "$expect_recorded" <<'EOF'
import json, sys
answer = json.load(open(sys.argv[1]))
n, recorded = int(sys.argv[2]), int(sys.argv[3])
got = (answer["received"], answer["recorded"], len(answer["refused"]))
if got != (n, recorded, 0):
    sys.exit(f"unexpected counts (received, recorded, refused): {got}, first refusals {answer['refused'][:3]}")
EOF
  awk -v l="$label" -v s="$seconds" -v n="$N" \
    'BEGIN { printf "== %s: %d events in %.2f s, %.0f events/s\n", l, n, s, n / s }'
}

bench() {
  local name=$1 url=$2
  local data="$work/data-$name"
  mkdir -p "$data"
  export DATABASE_URL="$url" EQUIPTRACK__SERVER__DATA_DIR="$data" EQUIPTRACK__LOG__LEVEL=warn
  "$bin" migrate >/dev/null
  for w in 1 2 3 4 5; do
    "$bin" user add --email "worker$w@bench.example" --name "Worker $w" --role worker >/dev/null
  done
  token=$("$bin" user add --email "stores@bench.example" --name "Stores" --role stores | tail -n 1)
  "$bin" catalogue starter >/dev/null
  "$bin" import clients "$work/clients.csv" >/dev/null
  "$bin" import items "$work/items.csv" >/dev/null
  local port
  port=$(free_port)
  base="http://127.0.0.1:$port"
  EQUIPTRACK__SERVER__BIND="127.0.0.1:$port" EQUIPTRACK__SERVER__PUBLIC_URL="$base" \
  EQUIPTRACK__MAIL__TRANSPORT=file \
    "$bin" serve >"$work/$name.out" 2>"$work/$name.log" &
  service_pid=$!
  for _ in $(seq 1 300); do
    curl -fsS "$base/healthz" >/dev/null 2>&1 && break
    kill -0 "$service_pid" 2>/dev/null || { cat "$work/$name.log"; echo "equiptrack did not start"; return 1; }
    sleep 0.1
  done
  post "$name: CSV" "$work/events.csv" text/csv "$N"
  post "$name: JSON" "$work/events.json" application/json "$N"
  post "$name: CSV again (all duplicates)" "$work/events.csv" text/csv 0
  kill "$service_pid"
  wait "$service_pid" 2>/dev/null || true
  service_pid=""
}

echo "== $N events over $PENDANTS pendants, $(basename "$(dirname "$(dirname "$bin")")")/$(basename "$(dirname "$bin")") build, $(nproc) cores"
for backend in "${backends[@]}"; do
  case $backend in
    sqlite) bench sqlite "sqlite://$work/bench.db" ;;
    postgres)
      pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
      if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
        echo "== postgres: skipped (no initdb; apt-get install postgresql)"
        continue
      fi
      # initdb refuses to run as root: the cluster then belongs to the postgres user.
      as_pg() {
        if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
      }
      pg_data="$work/pg"
      mkdir -p "$pg_data"
      [ "$(id -u)" -ne 0 ] || chown -R postgres "$work"
      chmod 755 "$work"
      as_pg "$pg_bin/initdb" -A trust -U postgres -E UTF8 -D "$pg_data" >/dev/null
      as_pg "$pg_bin/pg_ctl" -D "$pg_data" -l "$work/pg.log" -w \
        -o "-p $PG_PORT -k $pg_data -c listen_addresses=127.0.0.1" start >/dev/null
      as_pg "$pg_bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres bench
      bench postgres "postgres://postgres@127.0.0.1:$PG_PORT/bench"
      ;;
    *) echo "unknown backend $backend (sqlite or postgres)"; exit 1 ;;
  esac
done
