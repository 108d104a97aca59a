#!/usr/bin/env bash
# The reminder sweep over 1,000,000 items in homes (50,000 checks due, 500 workers), on
# SQLite and on a throwaway PostgreSQL cluster started here on loopback: time and peak
# memory of the sweep itself. BENCH_ITEMS and BENCH_WORKERS change the size.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== SQLite"
cargo bench -q --bench sweep 2>/dev/null

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bin" ]; then
  echo "== PostgreSQL: skipped, no server binaries (install the postgresql package)"
  exit 0
fi
run=()
if [ "$(id -u)" -eq 0 ]; then run=(runuser -u postgres --); fi
work=$(mktemp -d)
chmod 755 "$work"
[ ${#run[@]} -eq 0 ] || chown postgres "$work"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"${run[@]}" "$bin/initdb" -A trust -U postgres -E UTF8 --no-sync -D "$work/data" >/dev/null
"${run[@]}" "$bin/pg_ctl" -D "$work/data" -l "$work/server.log" -w start \
  -o "-p $port -k $work -c listen_addresses=127.0.0.1 -c shared_buffers=256MB -c max_wal_size=4GB" >/dev/null
trap '"${run[@]}" "$bin/pg_ctl" -D "$work/data" -m fast stop >/dev/null; rm -rf "$work"' EXIT
"${run[@]}" "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres sweep
echo "== PostgreSQL $("$bin/postgres" --version | awk '{print $3}')"
BENCH_DATABASE_URL="postgres://postgres@127.0.0.1:$port/sweep" cargo bench -q --bench sweep 2>/dev/null
