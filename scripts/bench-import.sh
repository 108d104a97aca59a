#!/usr/bin/env bash
# Load benchmark, not a test: a live service moving onto equiptrack. Generates N clients and
# N items already in their homes (default 20,000: stairlifts, pendants and walking frames,
# each with its client, fit date, responsible worker and the dates of its rules' last checks),
# then times `equiptrack import clients` and `equiptrack import items` (release build, the
# command line) on a fresh SQLite database and on a throwaway PostgreSQL cluster started
# here on 127.0.0.1 (as the test harness does; skipped with a note when initdb is missing).
#
#   scripts/bench-import.sh              # N=20000
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-20000}
PG_PORT=${PG_PORT:-15439}

cargo build --release -q
bin="$PWD/target/release/equiptrack"
work=$(mktemp -d)
pg_data=""
cleanup() {
  if [ -n "$pg_data" ]; then as_pg "$pg_bin/pg_ctl" -D "$pg_data" -m immediate stop >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# The files: one client per item; types and rule names are the starter catalogue's.
awk -v n="$N" 'BEGIN { print "reference,name,address,postcode,phone";
  for (i = 1; i <= n; i++) printf "C%06d,Client %d,\"%d Bench Street, Leeds\",LS%d %dAB,0113 496 %04d\n", i, i, i, 1 + i % 28, i % 10, i % 10000 }' \
  >"$work/clients.csv"
# Dates within the last two years, so none lies in the future; a third of each kind.
awk -v n="$N" 'BEGIN {
  srand(13);
  print "asset_tag,type,serial_number,status,client_reference,fitted_at,worker_email," \
        "last_check:thorough examination,last_check:manufacturer service,last_check:test call,last_check:safety check";
  for (i = 1; i <= n; i++) {
    fit = 400 + int(rand() * 300); last = int(rand() * 200);
    fitted = strftime("%Y-%m-%d", systime() - fit * 86400, 1);
    checked = strftime("%Y-%m-%d", systime() - last * 86400, 1);
    kind = i % 3;
    if (kind == 0) { type = "STAIRLIFT"; checks = checked "," checked ",," }
    else if (kind == 1) { type = "TELECARE-PENDANT"; checks = ",," checked "," }
    else { type = "WALKING-FRAME"; checks = ",,," checked }
    printf "LIVE-%06d,%s,SN%07d,in_use,C%06d,%s,worker%d@bench.example,%s\n", i, type, i, i, fitted, 1 + i % 5, checks
  }
}' >"$work/items.csv"

# One fresh database: schema, a few workers, the starter catalogue; then the two imports,
# each timed from the outside (the wall clock, start-up and schema check included).
bench() {
  local name=$1 url=$2
  export DATABASE_URL="$url" EQUIPTRACK__SERVER__DATA_DIR="$work/data-$name" EQUIPTRACK__LOG__LEVEL=warn
  mkdir -p "$EQUIPTRACK__SERVER__DATA_DIR"
  "$bin" migrate >/dev/null
  for w in 1 2 3 4 5; do
    "$bin" user add --email "worker$w@bench.example" --name "Worker $w" --role worker >/dev/null
  done
  "$bin" catalogue starter >/dev/null
  for what in clients items; do
    local start end
    start=$(date +%s.%N)
    "$bin" import "$what" "$work/$what.csv"
    end=$(date +%s.%N)
    awk -v s="$start" -v e="$end" -v b="$name" -v w="$what" -v n="$N" \
      'BEGIN { printf "== %s: equiptrack import %s (%d rows): %.2f s wall\n", b, w, n, e - s }'
  done
}

echo "== $N clients and $N items in homes, release build, $(nproc) cores"
bench sqlite "sqlite://$work/bench.db"

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
  echo "== postgres: skipped (no initdb; apt-get install postgresql)"
  exit 0
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
