#!/usr/bin/env bash
# Starts a throwaway PostgreSQL (Debian's packages) on 127.0.0.1 for the tests and prints its URL.
# Usage: eval "$(scripts/start-postgres.sh)"   -> exports DOUDI_TEST_POSTGRES_URL
# Tests run in parallel, each with a database and a small pool of its own: hence the many connections.
set -euo pipefail
port="${DOUDI_PG_PORT:-54329}"
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
fi
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
data="${DOUDI_PG_DATA:-/tmp/doudi-pg-$port}"
url="postgres://doudi@127.0.0.1:$port/doudi_test?sslmode=disable"
run() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
if ! run "$bin/pg_ctl -D $data status" >/dev/null 2>&1; then
  rm -rf "$data"; mkdir -p "$data"
  [ "$(id -u)" = 0 ] && chown postgres "$data"
  run "$bin/initdb -D $data -U doudi -A trust -E UTF8 --locale=C.UTF-8" >&2
  run "$bin/pg_ctl -D $data -l $data/log -o \"-c listen_addresses=127.0.0.1 -p $port -k /tmp -c fsync=off -c max_connections=500\" -w start" >&2
  run "$bin/createdb -h 127.0.0.1 -p $port -U doudi doudi_test" >&2
fi
echo "export DOUDI_TEST_POSTGRES_URL='$url'"
