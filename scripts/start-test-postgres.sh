#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the server tests and prints its connection string.
#
#   eval "$(scripts/start-test-postgres.sh)"      # exports TEST_DATABASE_URL (and PG_TEST_DIR)
#   npx vitest run server/
#   scripts/start-test-postgres.sh --stop          # stops the cluster and deletes its directory
#
# Env: PG_TEST_PORT (default 55432), PG_BIN (default /usr/lib/postgresql/15/bin, else $PATH),
#      PG_TEST_DIR (default /tmp/graft-test-postgres). When run as root, the cluster runs as `postgres`.
set -euo pipefail

PORT="${PG_TEST_PORT:-55432}"
DIR="${PG_TEST_DIR:-/tmp/graft-test-postgres}"
if [[ -z "${PG_BIN:-}" ]]; then
  if [[ -x /usr/lib/postgresql/15/bin/initdb ]]; then PG_BIN=/usr/lib/postgresql/15/bin
  else PG_BIN="$(dirname "$(command -v initdb)")"; fi
fi

as_pg() {
  if [[ "$(id -u)" == "0" ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [[ "${1:-}" == "--stop" ]]; then
  if [[ -f "$DIR/data/postmaster.pid" ]]; then as_pg "$PG_BIN/pg_ctl" -D "$DIR/data" -m immediate stop >&2 || true; fi
  rm -rf "$DIR"
  echo "stopped" >&2
  exit 0
fi

URL="postgresql://postgres@127.0.0.1:${PORT}/graft_test"

# Already running (e.g. second invocation): just print the URL.
if [[ -f "$DIR/data/postmaster.pid" ]] && as_pg "$PG_BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
  echo "export TEST_DATABASE_URL='$URL' PG_TEST_DIR='$DIR'"
  exit 0
fi

rm -rf "$DIR"
mkdir -p "$DIR"
if [[ "$(id -u)" == "0" ]]; then chown postgres: "$DIR"; fi
as_pg "$PG_BIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 --no-locale >"$DIR/initdb.log" 2>&1 \
  || { cat "$DIR/initdb.log" >&2; exit 1; }
as_pg "$PG_BIN/pg_ctl" -D "$DIR/data" -l "$DIR/postgres.log" -w \
  -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=on" start >&2 \
  || { cat "$DIR/postgres.log" >&2; exit 1; }
as_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres graft_test

echo "export TEST_DATABASE_URL='$URL' PG_TEST_DIR='$DIR'"
