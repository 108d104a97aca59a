#!/usr/bin/env bash
# Peak memory of importing a 32 MiB CSV of bad rows, from the command line and through the
# API, and how long a writer waits while the upload is being parsed. Two files: "three" has
# a tag with a space, an unknown type and an unknown location on every row (three problems a
# row); "one" has good, distinct tags and an unknown type (one problem a row, every tag kept
# for the duplicate check). Everything runs on loopback against a fresh SQLite file in a
# temporary folder.
#
#   scripts/measure-import-memory.sh                 # builds and measures target/release/equiptrack
#   EQUIPTRACK_BIN=/path/to/equiptrack scripts/measure-import-memory.sh
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${EQUIPTRACK_BIN:-target/release/equiptrack}
if [ -z "${EQUIPTRACK_BIN:-}" ]; then cargo build -q --release --bin equiptrack; fi
bin=$(realpath "$bin")

work=$(mktemp -d)
server=
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

for shape in three one; do
python3 - "$work/$shape.csv" "$shape" <<'PY'
import sys
path, shape = sys.argv[1], sys.argv[2]
limit = 32 * 1024 * 1024  # the API's upload limit; the file stays just under it
with open(path, "w") as f:
    size = f.write("asset_tag,type,serial_number,batch,location\n")
    i = 0
    while True:
        if shape == "three":
            row = f"BAD TAG {i:07},NO-SUCH-TYPE,SN-{i:07},LOT-{i:07},Atlantis\n"
        else:
            row = f"OLD-{i:07},NO-SUCH-TYPE,SN-{i:07},LOT-{i:07},\n"
        if size + len(row) > limit:
            break
        size += f.write(row)
        i += 1
print(f"file {shape}: {size} bytes, {i} rows")
PY
done

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export EQUIPTRACK__SERVER__DATA_DIR=$work
export EQUIPTRACK__SERVER__BIND=127.0.0.1:$port
export EQUIPTRACK__SERVER__PUBLIC_URL=http://127.0.0.1:$port
export DATABASE_URL=sqlite://$work/equiptrack.db
export EQUIPTRACK__LOG__LEVEL=warn
"$bin" migrate >/dev/null
token=$("$bin" user add --email measure@example.org --name Measure --role admin | tail -n 1)

for shape in three one; do
  echo "== command line, file $shape: equiptrack import items (exits 1: every row is bad)"
  /usr/bin/time -v "$bin" import items "$work/$shape.csv" >/dev/null 2>"$work/time.txt" || true
  grep -E "Maximum resident set size|Elapsed \(wall clock\)" "$work/time.txt" | sed 's/^\s*/  /'
done

"$bin" serve >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 100); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break
  sleep 0.1
done
idle=$(awk '/VmHWM/ {print $2}' "/proc/$server/status")
echo "== API: the server's peak resident memory (VmHWM) when idle: $((idle / 1024)) MiB"
for shape in three one; do
  echo "== API, file $shape: POST /api/v1/items/import"
  # Writing 5 to clear_refs resets the peak, so each file's peak is its own.
  echo 5 >"/proc/$server/clear_refs" 2>/dev/null || echo "  (cannot reset the peak: figures below include earlier files)"
  curl -s -o "$work/import.json" -w '%{http_code} %{time_total}\n' \
    -H "Authorization: Bearer $token" -H 'Content-Type: text/csv' \
    --data-binary "@$work/$shape.csv" "http://127.0.0.1:$port/api/v1/items/import" >"$work/import.txt" &
  upload=$!
  # The upload reaches the server in a few tens of milliseconds on loopback; parsing takes longer.
  sleep 0.25
  writer=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' \
    -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    --data "{\"name\": \"Writer beside import $shape\"}" "http://127.0.0.1:$port/api/v1/locations")
  wait "$upload"
  peak=$(awk '/VmHWM/ {print $2}' "/proc/$server/status")
  read -r import_status import_seconds <"$work/import.txt"
  listed=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d.get("errors", [])), d.get("errors_not_listed", "-"))' "$work/import.json")
  echo "  import: HTTP $import_status in ${import_seconds} s; errors listed, not listed: $listed"
  echo "  writer issued 0.25 s into the import: HTTP ${writer% *} in ${writer#* } s"
  echo "  server peak resident (VmHWM): $((peak / 1024)) MiB"
done
