#!/usr/bin/env bash
# Load benchmark at scale, not a test: N items (default 1,000,000; four in five in homes,
# held by CLIENTS clients with names and postcodes, default 100,000) loaded through the
# command-line imports into each backend (a SQLite file, and a throwaway PostgreSQL cluster
# started here on 127.0.0.1 and removed at the end), then the release binary driven with wrk
# on loopback, one line after another at CONNS connections:
#   /healthz, an item read (random tag), a scan (label URL), a search by serial fragment, by
#   client name and by postcode, page 1 and page 5,000 of the list, and page 5,000 of a
#   filtered list (status=in_use).
# Prints per line requests/s, p99, the ratio to that backend's /healthz and errors; per
# backend the load time, the server's peak memory (VmHWM) and the database's size.
#
#   scripts/bench-scale.sh                          # N=1000000 CLIENTS=100000 DURATION=10s
#   N=100000 BACKENDS=postgres scripts/bench-scale.sh
# Options: N, CLIENTS, DURATION, CONNS, BACKENDS (sqlite,postgres), DEEP (the deep page), BIN,
# KEEP=1 (leave the databases, and the cluster running, for a look afterwards).
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-1000000}
CLIENTS=${CLIENTS:-100000}
DURATION=${DURATION:-10s}
CONNS=${CONNS:-32}
BACKENDS=${BACKENDS:-sqlite,postgres}
PORT=${PORT:-18191}
PG_PORT=${PG_PORT:-15449}
BASE="http://127.0.0.1:$PORT"
# The deep page: page 5,000 of 50 (offset 249,950) unless the register is smaller.
DEEP=${DEEP:-5000}

if ! command -v wrk >/dev/null; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq && $sudo apt-get install -y -qq wrk
fi
# BIN: another build to measure (an older commit's, say); by default this tree's release build.
if [ -z "${BIN:-}" ]; then cargo build --release -q; fi
bin=${BIN:-$PWD/target/release/equiptrack}

work=$(mktemp -d)
chmod 755 "$work"
server=""
pg_bin=""
pg_data=""
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  if [ -n "${KEEP:-}" ]; then
    echo "== kept $work (and the PostgreSQL cluster in $work/pg on port $PG_PORT, if started)"; return
  fi
  if [ -n "$pg_data" ]; then as_pg "$pg_bin/pg_ctl" -D "$pg_data" -m immediate stop >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# Clients: names from two short lists (about ten clients share each full name), postcodes
# spread over Leeds-like districts.
awk -v n="$CLIENTS" 'BEGIN {
  split("Ada Ben Cara Dev Ena Finn Gita Hal Iris Jon Kemi Lev Mira Nia Omar Pia Raj Sol Tess Uma Vic Wyn Yara Zac", first, " ");
  split("Okafor Smith Patel Jones Nowak Khan Evans Byrne Ahmed Walsh Green Moore Clarke Hughes Wood Price Lewis Shaw Ali Begum Cole Doyle Ellis Flynn Grant Hale Ince Judd Kerr Lowe Marsh Nash Orr Pugh Quinn Reed Sykes Todd Upton Vance Webb Yates Zhou Abbot Bell Crane Dunn Eve Fox Gill", last, " ");
  srand(7);
  print "reference,name,address,postcode,phone";
  for (i = 1; i <= n; i++) {
    f = first[1 + int(rand() * 24)]; l = last[1 + int(rand() * 50)];
    printf "C%07d,%s %s,\"%d Bench Street, Leeds\",LS%d %d%c%c,0113 496 %04d\n", i, f, l, i,
      1 + i % 28, i % 10, 65 + int(i / 10) % 26, 65 + int(i / 260) % 26, i % 10000
  }
}' >"$work/clients.csv"
# Items in files of 250,000 rows: four in five in a home (each client holds several), one in
# five in store. Dates within the last two years, so none lies in the future.
awk -v n="$N" -v c="$CLIENTS" -v dir="$work" 'BEGIN {
  srand(13);
  head = "asset_tag,type,serial_number,status,client_reference,fitted_at,worker_email," \
         "last_check:thorough examination,last_check:manufacturer service,last_check:test call,last_check:safety check";
  for (i = 1; i <= n; i++) {
    if ((i - 1) % 250000 == 0) { file = sprintf("%s/items-%02d.csv", dir, int((i - 1) / 250000)); print head >file }
    fit = 400 + int(rand() * 300); last = int(rand() * 200);
    fitted = strftime("%Y-%m-%d", systime() - fit * 86400, 1);
    checked = strftime("%Y-%m-%d", systime() - last * 86400, 1);
    kind = i % 3;
    if (kind == 0) { type = "STAIRLIFT"; checks = checked "," checked ",," }
    else if (kind == 1) { type = "TELECARE-PENDANT"; checks = ",," checked "," }
    else { type = "WALKING-FRAME"; checks = ",,," checked }
    if (i % 5 == 0) printf "EQ-%07d,%s,SN%08d,in_store,,,,%s\n", i, type, i, checks >file
    else printf "EQ-%07d,%s,SN%08d,in_use,C%07d,%s,worker%d@bench.example,%s\n", i, type, i, 1 + i % c, fitted, 1 + i % 50, checks >file
  }
}'

# The lines driven: name, then the Lua that makes each request's path.
lua() { printf 'math.randomseed(os.time())\nrequest = function()\n  return wrk.format("GET", %s)\nend\n' "$2" >"$work/$1.lua"; }
lua tag "string.format(\"/api/v1/items/EQ-%07d\", math.random(1, $N))"
lua scan "\"/api/v1/scan?code=\" .. string.format(\"$BASE/s/eq-%07d\", math.random(1, $N)):gsub(\"[:/]\", function(c) return string.format(\"%%%02X\", string.byte(c)) end)"
# Six of a serial's eight digits: a substring, not a prefix.
lua serial "string.format(\"/api/v1/items?q=%06d\", math.random(1, math.min($N, 999999)))"
lua name "\"/api/v1/items?q=\" .. ({\"Ada\",\"Ben\",\"Iris\",\"Omar\",\"Zac\"})[math.random(1, 5)] .. \"%20\" .. ({\"Okafor\",\"Smith\",\"Nowak\",\"Quinn\",\"Zhou\"})[math.random(1, 5)]"
lua postcode "string.format(\"/api/v1/items?q=LS%d%%20%d%s\", math.random(1, 28), math.random(0, 9), string.char(math.random(65, 90), math.random(65, 90)))"
lua page1 "\"/api/v1/items?page=1&per_page=50\""
lua deep "\"/api/v1/items?page=$DEEP&per_page=50\""
lua deepstatus "\"/api/v1/items?status=in_use&page=$DEEP&per_page=50\""

# Requests wrk gave up on are still being answered when it stops: the next line starts once
# the pool has no connection in use (read from /metrics, at most a minute).
drain() {
  for _ in $(seq 120); do
    curl -s "$BASE/metrics" | grep -q '^equiptrack_db_pool_connections{state="in_use"} 0$' && return
    sleep 0.5
  done
  echo "(the server was still busy a minute after the line ended)"
}

drive() {
  local backend=$1 healthz_rate=""
  printf '%-10s %-44s %10s %10s %8s %8s\n' backend request "req/s" p99 ratio errors
  # The searches last: until they have an index, each reads every row.
  for line in "healthz:/healthz" "tag:GET /api/v1/items/{tag}" "scan:GET /api/v1/scan?code={label URL}" \
      "page1:GET /api/v1/items?page=1" "deep:GET /api/v1/items?page=$DEEP" \
      "deepstatus:GET /api/v1/items?status=in_use&page=$DEEP" \
      "serial:GET /api/v1/items?q={serial fragment}" "name:GET /api/v1/items?q={client name}" \
      "postcode:GET /api/v1/items?q={postcode}"; do
    local key=${line%%:*} name=${line#*:} out
    if [ "$key" = healthz ]; then
      out=$(wrk --latency -t2 -c"$CONNS" -d "$DURATION" "$BASE/healthz" 2>&1)
    else
      out=$(wrk --latency -t2 -c"$CONNS" -d "$DURATION" -H "Authorization: Bearer $token" -s "$work/$key.lua" "$BASE" 2>&1)
    fi
    local rate p99 errors
    rate=$(awk '/Requests\/sec/ { print $2 }' <<<"$out")
    p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
    errors=$(awk '/Non-2xx/ { n += $NF } /Socket errors/ { gsub(",", ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' <<<"$out")
    [ "$key" != healthz ] || healthz_rate=$rate
    drain
    printf '%-10s %-44s %10.0f %10s %8.3f %8s\n' "$backend" "$name" "$rate" "$p99" \
      "$(awk -v r="$rate" -v h="$healthz_rate" 'BEGIN { print r / h }')" "$errors"
  done
}

# One backend: schema, 50 workers, the starter catalogue, the imports timed, then the run.
bench() {
  local backend=$1 url=$2
  export DATABASE_URL="$url" EQUIPTRACK__SERVER__DATA_DIR="$work/data-$backend" EQUIPTRACK__LOG__LEVEL=warn
  export EQUIPTRACK__SERVER__BIND="127.0.0.1:$PORT" EQUIPTRACK__SERVER__PUBLIC_URL="$BASE"
  # For `drain`: the pool's connections in use.
  export EQUIPTRACK__METRICS__ENABLED=true
  mkdir -p "$EQUIPTRACK__SERVER__DATA_DIR"
  "$bin" migrate >/dev/null
  for w in $(seq 50); do
    "$bin" user add --email "worker$w@bench.example" --name "Worker $w" --role worker >/dev/null
  done
  token=$("$bin" user add --email bench@localhost --name Bench --role admin | tail -n 1)
  "$bin" catalogue starter >/dev/null
  local start end
  start=$(date +%s.%N)
  "$bin" import clients "$work/clients.csv" >/dev/null
  for f in "$work"/items-*.csv; do "$bin" import items "$f" >/dev/null; done
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" -v b="$backend" -v n="$N" -v c="$CLIENTS" \
    'BEGIN { printf "== %s: %d clients and %d items imported in %.0f s (command line, wall clock)\n", b, c, n, e - s }'
  if [ "$backend" = postgres ]; then as_pg "$pg_bin/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d bench -c 'VACUUM ANALYZE' >/dev/null; fi
  "$bin" serve >"$work/server-$backend.log" 2>&1 &
  server=$!
  for _ in $(seq 100); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.1; done
  drive "$backend"
  local size
  if [ "$backend" = postgres ]; then
    size=$(as_pg "$pg_bin/psql" -At -h 127.0.0.1 -p "$PG_PORT" -U postgres -d bench -c "SELECT pg_database_size('bench')")
  else
    size=$(cat "$work/data-sqlite/bench.db"* | wc -c)
  fi
  echo "== $backend: server peak memory $(awk '/VmHWM/ { printf "%.0f MiB", $2 / 1024 }' /proc/$server/status)," \
    "database $(awk -v s="$size" 'BEGIN { printf "%.0f MiB", s / 1048576 }')"
  kill "$server"; wait "$server" 2>/dev/null || true; server=""
}

echo "== $N items, $CLIENTS clients, $CONNS connections, $DURATION a line, release build, $(nproc) cores"
for backend in ${BACKENDS//,/ }; do
  case $backend in
    sqlite) bench sqlite "sqlite://$work/data-sqlite/bench.db" ;;
    postgres)
      pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
      if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
        echo "== postgres: skipped (no initdb; apt-get install postgresql)"; continue
      fi
      # initdb refuses to run as root: the cluster then belongs to the postgres user.
      pg_data="$work/pg"
      [ "$(id -u)" -ne 0 ] || chown -R postgres "$work"
      as_pg "$pg_bin/initdb" -A trust -U postgres -E UTF8 --no-sync -D "$pg_data" >/dev/null
      as_pg "$pg_bin/pg_ctl" -D "$pg_data" -l "$work/pg.log" -w -o "-p $PG_PORT -k $pg_data \
        -c listen_addresses=127.0.0.1 -c shared_buffers=512MB -c max_wal_size=4GB" start >/dev/null
      as_pg "$pg_bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres bench
      bench postgres "postgres://postgres@127.0.0.1:$PG_PORT/bench"
      ;;
    *) echo "unknown backend $backend (sqlite, postgres)" >&2; exit 2 ;;
  esac
done
