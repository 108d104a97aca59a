#!/usr/bin/env bash
# The API contract test: for each backend, starts equiptrack on a fresh database on a free
# loopback port, seeds it through the API (types, locations, clients, staff, an item in every
# status, a recall, queued mail), then drives the OpenAPI document the service serves with
# schemathesis, every check on, and fails on any finding. CI runs it after `cargo test`.
#
#   scripts/contract-test.sh                   # SQLite, then PostgreSQL (a throwaway cluster)
#   scripts/contract-test.sh sqlite            # one backend
#   EQUIPTRACK_BIN=target/release/equiptrack scripts/contract-test.sh
#
# It uses the debug binary `cargo test` built (built here if missing). PostgreSQL needs its
# server binaries (initdb, pg_ctl); without them that run is skipped, unless
# EQUIPTRACK_REQUIRE_POSTGRES=1 (as in CI) makes it a failure. CONTRACT_MAX_EXAMPLES sets the
# examples per operation (default 20). Reports (JUnit, and a cassette of every request) are
# left in target/contract/BACKEND/.
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
venv=target/contract-venv
bin=${EQUIPTRACK_BIN:-target/debug/equiptrack}
backends=("$@")
[ ${#backends[@]} -gt 0 ] || backends=(sqlite postgres)

if [ "$("$venv/bin/schemathesis" --version 2>/dev/null)" != "schemathesis, version $SCHEMATHESIS_VERSION" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
[ -x "$bin" ] || cargo build --quiet --bin equiptrack

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

scratch=$(mktemp -d)
service_pid=""
pg=""
cleanup() {
  if [ -n "$service_pid" ]; then kill "$service_pid" 2>/dev/null || true; wait "$service_pid" 2>/dev/null || true; fi
  if [ -n "$pg" ]; then $pg_as "$pg_bin/pg_ctl" -D "$scratch/pg" -m immediate stop >/dev/null 2>&1 || true; fi
  rm -rf "$scratch"
}
trap cleanup EXIT

# A throwaway PostgreSQL cluster on loopback, its URL in pg_url. As root, the server runs as the
# postgres user (it refuses root), as the tests' harness does.
start_postgres() {
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
  if [ -z "$pg_bin" ] && command -v initdb >/dev/null; then pg_bin=$(dirname "$(command -v initdb)"); fi
  [ -n "$pg_bin" ] && [ -x "$pg_bin/pg_ctl" ] || return 1
  pg_as=""
  if [ "$(id -u)" -eq 0 ]; then
    local user=postgres
    id postgres >/dev/null 2>&1 || user=nobody
    chown "$user" "$scratch"
    pg_as="runuser -u $user --"
  fi
  local port
  port=$(free_port)
  $pg_as "$pg_bin/initdb" -A trust -U postgres -E UTF8 --no-sync -D "$scratch/pg" >/dev/null
  $pg_as "$pg_bin/pg_ctl" -D "$scratch/pg" -l "$scratch/pg.log" -w start \
    -o "-p $port -k $scratch -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off" >/dev/null
  pg=started
  pg_url="postgres://postgres@127.0.0.1:$port/postgres"
}

# Runs schemathesis over the served document; the rest of the arguments narrow it.
schemathesis() {
  # The hooks give each request a key of its own (scripts/contract/hooks.py says why).
  SCHEMATHESIS_HOOKS=scripts.contract.hooks \
  "$venv/bin/schemathesis" --config-file scripts/contract/schemathesis.toml run "$out/openapi.json" \
    --url "$base" \
    --header "Authorization: Bearer $token" \
    --checks all \
    --generation-deterministic \
    --max-examples "${CONTRACT_MAX_EXAMPLES:-20}" \
    --workers 1 \
    --request-timeout 30 \
    --no-color \
    "$@"
}

# One backend: a fresh service, seeded, tested, stopped. Returns schemathesis's status.
contract() {
  local backend=$1 database_url=$2
  out=target/contract/$backend
  rm -rf "$out"
  mkdir -p "$out" "$scratch/$backend"
  local port
  port=$(free_port)
  base="http://127.0.0.1:$port"
  EQUIPTRACK__SERVER__BIND="127.0.0.1:$port" \
  EQUIPTRACK__SERVER__PUBLIC_URL="$base" \
  EQUIPTRACK__SERVER__DATA_DIR="$scratch/$backend" \
  EQUIPTRACK__SERVER__WORKERS=2 \
  DATABASE_URL="$database_url" \
    "$bin" serve >"$out/service.out" 2>"$out/service.log" &
  service_pid=$!
  for _ in $(seq 1 150); do
    curl -fsS "$base/healthz" >/dev/null 2>&1 && break
    kill -0 "$service_pid" 2>/dev/null || { cat "$out/service.log"; echo "equiptrack did not start"; return 1; }
    sleep 0.1
  done
  # The first start prints the first admin's token alone on the line after this one.
  local admin
  admin=$(grep -A1 'shown only this once' "$out/service.out" | tail -n1)
  [ -n "$admin" ] || { echo "no admin token in the service's output"; return 1; }
  token=$(python3 scripts/contract/seed.py "$base" "$admin")
  curl -fsS -H "Authorization: Bearer $token" "$base/api/v1/openapi.json" >"$out/openapi.json"

  # Hypothesis keeps its own files; here, not in the work tree.
  export HYPOTHESIS_STORAGE_DIRECTORY="$out/hypothesis"
  local status=0
  # The run may deactivate, demote or re-token any account it finds (PATCH /staff/{id},
  # POST /staff/{id}/tokens), its own included, after which it would test nothing but 401s.
  # So those two operations run last, on their own, after everything else.
  schemathesis --exclude-operation-id patch_staff --exclude-operation-id rotate_token \
    --report junit,vcr --report-dir "$out/main" || status=$?
  schemathesis --include-operation-id patch_staff --include-operation-id rotate_token \
    --report junit,vcr --report-dir "$out/lockouts" || status=$?
  kill "$service_pid" 2>/dev/null || true
  wait "$service_pid" 2>/dev/null || true
  service_pid=""
  return "$status"
}

rm -rf target/contract
started=$(date +%s)
failed=()
for backend in "${backends[@]}"; do
  case $backend in
    sqlite) url="sqlite://$scratch/sqlite/equiptrack.db" ;;
    postgres)
      if start_postgres; then url=$pg_url; else
        if [ "${EQUIPTRACK_REQUIRE_POSTGRES:-}" = 1 ]; then
          echo "contract test: no PostgreSQL server binaries (initdb, pg_ctl)"; failed+=(postgres); continue
        fi
        echo "contract test SKIPPED on PostgreSQL: no server binaries (initdb, pg_ctl)"; continue
      fi ;;
    *) echo "unknown backend $backend (sqlite or postgres)"; exit 2 ;;
  esac
  echo "== contract test on $backend"
  contract "$backend" "$url" || failed+=("$backend")
done
echo "contract test: $(( $(date +%s) - started )) s in all"

# One line a CI reader understands: each operation is a test case in the JUnit reports.
python3 - <<'PY'
import glob, xml.etree.ElementTree as ET
cases = failed = 0
for path in glob.glob("target/contract/*/*/junit-*.xml"):
    for suite in ET.parse(path).getroot().iter("testsuite"):
        cases += int(suite.get("tests", 0))
        failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
print(f"contract: {cases - failed} passed, {failed} failed")
PY
[ ${#failed[@]} -eq 0 ] || { echo "contract test failed on: ${failed[*]}"; exit 1; }
