#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests, CI and `npm run db:migration`: initdb into a folder of
# its own, listening on 127.0.0.1 only, on a free port, trust auth, fsync off. Uses the installed
# server binaries (/usr/lib/postgresql/*/bin); if there are none and we are root, installs
# Debian's `postgresql` package. As root the server runs as the `postgres` user.
#
#   .ci/postgres.sh run CMD [ARGS...]   start one, run CMD with TEST_DATABASE_URL set, stop it;
#                                        exits with CMD's status. E.g.
#                                          .ci/postgres.sh run npx vitest run test/db
#   .ci/postgres.sh start DIR           start one in DIR (must not exist or be empty); prints its
#                                        URL (postgresql://postgres@127.0.0.1:PORT/postgres)
#   .ci/postgres.sh stop DIR            stop it and remove DIR (only a DIR that start made)
set -euo pipefail

usage() {
  echo "usage: .ci/postgres.sh run CMD [ARGS...] | start DIR | stop DIR" >&2
  exit 2
}

MARKER=.xianfeng-postgres

find_bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
    echo "$dir"
    return 0
  fi
  if [ "$(id -u)" != 0 ]; then
    echo "postgres.sh: no PostgreSQL server binaries in /usr/lib/postgresql/*/bin; install Debian's postgresql package" >&2
    return 1
  fi
  echo "postgres.sh: installing Debian's postgresql package" >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; } >&2
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$dir" ] || { echo "postgres.sh: apt-get installed no server binaries" >&2; return 1; }
  echo "$dir"
}

# Runs a command as the server's owner: `postgres` when we are root (initdb refuses root).
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

start() {
  local dir=$1 bindir port attempt
  bindir=$(find_bindir)
  if [ -e "$dir" ] && [ -n "$(ls -A "$dir" 2>/dev/null)" ]; then
    echo "postgres.sh: $dir exists and is not empty" >&2
    return 1
  fi
  mkdir -p "$dir"
  touch "$dir/$MARKER"
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
    chown -R postgres: "$dir"
  fi
  as_owner "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; return 1; }
  for attempt in 1 2 3; do
    port=$(free_port)
    if as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
      start >/dev/null; then
      echo "$port" >"$dir/port"
      echo "postgresql://postgres@127.0.0.1:$port/postgres"
      return 0
    fi
    echo "postgres.sh: start on port $port failed (attempt $attempt)" >&2
  done
  cat "$dir/server.log" >&2 || true
  return 1
}

stop() {
  local dir=$1 bindir
  [ -e "$dir" ] || return 0
  if [ ! -e "$dir/$MARKER" ]; then
    echo "postgres.sh: $dir was not made by postgres.sh start; not removing it" >&2
    return 1
  fi
  if [ -f "$dir/data/postmaster.pid" ]; then
    bindir=$(find_bindir)
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) [ $# -eq 2 ] || usage; start "$2" ;;
  stop) [ $# -eq 2 ] || usage; stop "$2" ;;
  run)
    [ $# -ge 2 ] || usage
    shift
    pgdir=$(mktemp -d "${TMPDIR:-/tmp}/xianfeng-pg.XXXXXX")
    trap 'stop "$pgdir"' EXIT
    TEST_DATABASE_URL=$(start "$pgdir")
    export TEST_DATABASE_URL
    echo "postgres.sh: TEST_DATABASE_URL=$TEST_DATABASE_URL" >&2
    set +e
    "$@"
    status=$?
    set -e
    exit $status
    ;;
  *) usage ;;
esac
