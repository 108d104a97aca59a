#!/usr/bin/env bash
# Load benchmark, not a test: loads N items (default 100,000) into a fresh SQLite database
# through the command-line import, then drives the release binary on loopback with wrk:
#   GET /healthz, GET /api/v1/items/{tag}, GET /api/v1/items?q=…, GET /api/v1/scan?code=…
# (each at 32 connections), and lifecycle moves from 16 concurrent writers on different items.
# Prints requests per second, p99 latency, errors, the import time and the server's peak memory.
#
#   scripts/bench-register.sh            # N=100000 DURATION=10s CONNS=32 WRITERS=16
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-100000}
DURATION=${DURATION:-10s}
CONNS=${CONNS:-32}
WRITERS=${WRITERS:-16}
PORT=${PORT:-18181}
BASE="http://127.0.0.1:$PORT"

if ! command -v wrk >/dev/null; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq && $sudo apt-get install -y -qq wrk
fi
cargo build --release -q
bin="$PWD/target/release/equiptrack"

work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
export EQUIPTRACK__SERVER__DATA_DIR="$work" DATABASE_URL="sqlite://$work/bench.db"
export EQUIPTRACK__SERVER__BIND="127.0.0.1:$PORT" EQUIPTRACK__SERVER__PUBLIC_URL="$BASE" EQUIPTRACK__LOG__LEVEL=warn

"$bin" migrate >/dev/null
token=$("$bin" user add --email bench@localhost --name Bench --role admin | tail -n 1)
"$bin" serve >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.1; done

auth="Authorization: Bearer $token"
curl -sf -H "$auth" -H 'Content-Type: application/json' "$BASE/api/v1/equipment-types" \
  -d '{"code":"FRAME-WALKING","name":"Walking frame","category":"walking_aid","requires_decontamination":false,"check_interval_days":365}' >/dev/null
curl -sf -H "$auth" -H 'Content-Type: application/json' "$BASE/api/v1/locations" -d '{"name":"Main store"}' >/dev/null

awk -v n="$N" 'BEGIN { print "asset_tag,type,serial_number,batch,location";
  for (i = 1; i <= n; i++) printf ",FRAME-WALKING,SN%07d,LOT-%03d,Main store\n", i, i % 500 }' >"$work/items.csv"
echo "== import of $N rows (command line, beside the running server)"
start=$(date +%s.%N)
"$bin" import items "$work/items.csv"
end=$(date +%s.%N)
awk -v s="$start" -v e="$end" 'BEGIN { printf "import wall time: %.1f s\n", e - s }'

cat >"$work/tag.lua" <<LUA
math.randomseed(os.time())
request = function()
  return wrk.format("GET", string.format("/api/v1/items/EQ-%06d", math.random(1, $N)))
end
LUA
cat >"$work/q.lua" <<LUA
math.randomseed(os.time())
request = function()
  return wrk.format("GET", string.format("/api/v1/items?q=SN%07d", math.random(1, $N)))
end
LUA
cat >"$work/scan.lua" <<LUA
math.randomseed(os.time())
request = function()
  local url = string.format("$BASE/s/eq-%06d", math.random(1, $N))
  return wrk.format("GET", "/api/v1/scan?code=" .. url:gsub("[:/]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
LUA
# One item per writer, quarantined and released in turn: every request is a real move.
# The next move follows from the last answer, so a request wrk drops at a reconnect
# cannot put a writer out of step.
cat >"$work/moves.lua" <<'LUA'
local id = 0
setup = function(thread)
  id = id + 1
  thread:set("tid", id)
end
init = function()
  move = "/quarantine"
end
request = function()
  local tag = string.format("EQ-%06d", tid)
  -- Headers given here replace wrk's -H ones, so the token is passed on by hand.
  local headers = {["Content-Type"] = "application/json", ["Authorization"] = wrk.headers["Authorization"]}
  return wrk.format("POST", "/api/v1/items/" .. tag .. move, headers, '{"reason":"bench"}')
end
response = function(status, headers, body)
  if status ~= 200 then
    io.stderr:write("failed move: " .. status .. " " .. body .. "\n")
  end
  move = body:find('"status":"quarantined"', 1, true) and "/release" or "/quarantine"
end
LUA

run() {
  local name=$1; shift
  echo "== $name"
  wrk --latency -d "$DURATION" -H "$auth" "$@" | grep -E 'Requests/sec|99%|Non-2xx|Socket errors|requests in'
}
run "GET /healthz (c=$CONNS)" -t2 -c"$CONNS" "$BASE/healthz"
run "GET /api/v1/items/{tag} (c=$CONNS)" -t2 -c"$CONNS" -s "$work/tag.lua" "$BASE"
run "GET /api/v1/scan?code={label URL} (c=$CONNS)" -t2 -c"$CONNS" -s "$work/scan.lua" "$BASE"
run "GET /api/v1/items?q={serial} (c=$CONNS)" -t2 -c"$CONNS" -s "$work/q.lua" "$BASE"
run "POST quarantine/release, $WRITERS writers on different items" -t"$WRITERS" -c"$WRITERS" -s "$work/moves.lua" "$BASE"
echo "== server peak memory: $(grep VmHWM /proc/$server/status | awk '{ printf "%.0f MiB", $2 / 1024 }')"
