#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests: initdb into a temporary folder, the server on
# 127.0.0.1 on a free port (its unix socket in the same folder), one database, stopped and deleted
# at the end. Never uses a server the machine happens to run.
#
#   pg-test-server.sh run CMD [ARG...]  start, export PAYSTACK_TEST_PG_URL, run CMD, then stop and
#                                       delete (trap: also when CMD fails or the script is killed
#                                       by SIGINT/SIGTERM); exits with CMD's status
#   pg-test-server.sh start STATE_DIR   start and leave running; writes STATE_DIR/url (printed too)
#                                       and STATE_DIR/data (the temporary folder); a server left
#                                       in STATE_DIR by an earlier run is stopped first
#   pg-test-server.sh stop STATE_DIR    stop the server of STATE_DIR and delete its folders
#
# As root (CI) the server runs as the `postgres` user (runuser); otherwise as the current user.
# PG_BINDIR selects the server's bin folder (default: the newest /usr/lib/postgresql/*/bin).
# The URL is postgresql://postgres@127.0.0.1:PORT/paystack_test (trust authentication on
# loopback: a test server only).
set -euo pipefail

die() {
  echo "pg-test-server: $*" >&2
  exit 1
}

bindir="${PG_BINDIR:-}"
if [ -z "$bindir" ]; then
  bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
fi
[ -x "$bindir/initdb" ] || die "no PostgreSQL server found (install postgresql-15: scripts/install-deps.sh)"

as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  getent passwd postgres >/dev/null || die "running as root but there is no 'postgres' user"
  as_owner=(runuser -u postgres --)
fi

# start_server DATA_PARENT: initdb, then try a few random ports until one binds. Sets $port.
start_server() {
  local parent="$1" data="$1/cluster" log="$1/server.log"
  "${as_owner[@]}" "$bindir/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C \
    --no-sync >"$parent/initdb.log" 2>&1 || { cat "$parent/initdb.log" >&2; die "initdb failed"; }
  local attempt
  for attempt in 1 2 3 4 5 6 7 8; do
    port=$((20000 + RANDOM % 40000))
    if "${as_owner[@]}" "$bindir/pg_ctl" -D "$data" -l "$log" -w -t 30 -s start -o \
      "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$parent \
       -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
       -c max_connections=60 -c shared_buffers=16MB" >/dev/null 2>&1; then
      break
    fi
    port=""
    grep -q "could not bind\|Address already in use\|could not create any TCP/IP sockets" \
      "$log" 2>/dev/null || { cat "$log" >&2 || true; die "the server did not start"; }
    echo "pg-test-server: port taken (attempt $attempt), trying another" >&2
  done
  [ -n "$port" ] || die "no free port found"
  local i
  for i in $(seq 1 100); do
    if "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres -t 1; then
      "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres paystack_test \
        || die "createdb failed"
      return 0
    fi
    sleep 0.1
  done
  die "the server on port $port did not become ready"
}

# stop_server DATA_PARENT: immediate stop (nothing to keep), then delete the folder.
stop_server() {
  local parent="$1"
  if [ -f "$parent/cluster/postmaster.pid" ]; then
    "${as_owner[@]}" "$bindir/pg_ctl" -D "$parent/cluster" -m immediate -w -t 30 -s stop \
      >/dev/null 2>&1 || true
  fi
  rm -rf -- "$parent"
}

new_parent() {
  local parent
  parent="$(mktemp -d "${TMPDIR:-/tmp}/paystack-pg.XXXXXX")"
  chmod 700 "$parent"
  if [ "${#as_owner[@]}" -gt 0 ]; then chown postgres: "$parent"; fi
  echo "$parent"
}

url_of() { echo "postgresql://postgres@127.0.0.1:$1/paystack_test"; }

cmd="${1:-}"
shift || true
case "$cmd" in
  run)
    [ $# -gt 0 ] || die "usage: $0 run CMD [ARG...]"
    parent="$(new_parent)"
    trap 'stop_server "$parent"' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    start_server "$parent"
    PAYSTACK_TEST_PG_URL="$(url_of "$port")"
    export PAYSTACK_TEST_PG_URL
    echo "pg-test-server: $PAYSTACK_TEST_PG_URL" >&2
    status=0
    "$@" || status=$?
    exit "$status"
    ;;
  start)
    state="${1:?usage: $0 start STATE_DIR}"
    mkdir -p "$state"
    if [ -f "$state/data" ]; then stop_server "$(cat "$state/data")"; fi
    rm -f "$state/url" "$state/data"
    parent="$(new_parent)"
    echo "$parent" >"$state/data"
    started=0
    trap 'if [ "$started" -ne 1 ]; then stop_server "$parent"; rm -f "$state/data"; fi' EXIT
    start_server "$parent"
    started=1
    url_of "$port" >"$state/url"
    cat "$state/url"
    ;;
  stop)
    state="${1:?usage: $0 stop STATE_DIR}"
    if [ -f "$state/data" ]; then stop_server "$(cat "$state/data")"; fi
    rm -f "$state/url" "$state/data"
    ;;
  *)
    die "usage: $0 run CMD... | start STATE_DIR | stop STATE_DIR"
    ;;
esac
