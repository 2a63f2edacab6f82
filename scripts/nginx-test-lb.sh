#!/usr/bin/env bash
# A throwaway nginx as a round-robin load balancer on 127.0.0.1 in front of N upstream ports (the
# webhook receivers of a fleet test). Its config, pid file, error log and temporary files live in
# a temporary folder that is deleted when it stops. Never uses a server the machine happens to run.
#
#   nginx-test-lb.sh run PORT[,PORT...] CMD [ARG...]  start, export PAYSTACK_TEST_LB_URL
#                                        (http://127.0.0.1:PORT), run CMD, stop and delete (trap)
#   nginx-test-lb.sh start STATE_DIR PORT[,PORT...]   start and leave running; writes
#                                        STATE_DIR/url (printed too) and STATE_DIR/data
#   nginx-test-lb.sh stop STATE_DIR                   stop it and delete its folder
#   nginx-test-lb.sh selftest                         3 echo upstreams (served by the same nginx)
#                                        behind the balancer: 6 requests must reach each twice
#
# A request that cannot reach an upstream (refused, reset, timeout, 502/503) goes to the next one,
# POSTs included: the receivers store webhooks by semantic key, so a repeat is harmless.
set -euo pipefail

die() {
  echo "nginx-test-lb: $*" >&2
  exit 1
}

nginx_bin="${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}"
[ -x "$nginx_bin" ] || die "nginx not found (scripts/install-deps.sh installs it)"

# write_config DIR LISTEN_PORT UPSTREAMS [ECHO_PORTS]: UPSTREAMS and ECHO_PORTS are comma lists.
write_config() {
  local dir="$1" listen="$2" upstreams="$3" echoes="${4:-}" p
  {
    echo "daemon on;"
    echo "worker_processes 1;"
    echo "pid $dir/nginx.pid;"
    echo "error_log $dir/error.log warn;"
    echo "events { worker_connections 512; }"
    echo "http {"
    echo "  access_log off;"
    # Bodies stay in memory (the workers write no file): webhooks are small.
    echo "  client_max_body_size 1m; client_body_buffer_size 1m;"
    echo "  proxy_max_temp_file_size 0;"
    for p in client_body proxy fastcgi uwsgi scgi; do echo "  ${p}_temp_path $dir/$p;"; done
    echo "  upstream receivers {"
    for p in ${upstreams//,/ }; do
      case "$p" in *:*) ;; *) p="127.0.0.1:$p" ;; esac
      echo "    server $p max_fails=1 fail_timeout=1s;"
    done
    echo "  }"
    echo "  server {"
    echo "    listen 127.0.0.1:$listen;"
    echo "    location / {"
    echo "      proxy_pass http://receivers;"
    echo "      proxy_http_version 1.1;"
    echo "      proxy_set_header Connection \"\";"
    echo "      proxy_next_upstream error timeout http_502 http_503 non_idempotent;"
    echo "      proxy_next_upstream_tries 0;"
    echo "      proxy_connect_timeout 2s;"
    echo "      proxy_read_timeout 30s;"
    echo "    }"
    echo "  }"
    for p in ${echoes//,/ }; do
      echo "  server { listen 127.0.0.1:$p; location / { return 200 \"\$server_port\\n\"; } }"
    done
    echo "}"
  } >"$dir/nginx.conf"
}

# start_lb DIR UPSTREAMS [ECHO_COUNT]: tries random ports until nginx binds. Sets $port (and
# $echo_ports when echo upstreams were asked for).
start_lb() {
  local dir="$1" upstreams="$2" echo_count="${3:-0}" attempt i
  for attempt in 1 2 3 4 5 6 7 8; do
    port=$((20000 + RANDOM % 40000))
    echo_ports=""
    for ((i = 1; i <= echo_count; i++)); do
      echo_ports="${echo_ports:+$echo_ports,}$((port + i))"
    done
    write_config "$dir" "$port" "${upstreams:-$echo_ports}" "$echo_ports"
    if "$nginx_bin" -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" 2>>"$dir/start.log"; then
      for i in $(seq 1 100); do
        [ -s "$dir/nginx.pid" ] && return 0
        sleep 0.05
      done
      die "nginx started but wrote no pid file"
    fi
    grep -q "Address already in use" "$dir/start.log" "$dir/error.log" 2>/dev/null \
      || { cat "$dir/start.log" >&2; die "nginx did not start"; }
    echo "nginx-test-lb: port taken (attempt $attempt), trying another" >&2
  done
  die "no free port found"
}

# stop_lb DIR: graceful stop, bounded wait for the master to exit, then delete the folder.
stop_lb() {
  local dir="$1" pid i
  if [ -s "$dir/nginx.pid" ]; then
    pid="$(cat "$dir/nginx.pid")"
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.05
    done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -rf -- "$dir"
}

new_dir() { mktemp -d "${TMPDIR:-/tmp}/paystack-lb.XXXXXX"; }

cmd="${1:-}"
shift || true
case "$cmd" in
  run)
    [ $# -ge 2 ] || die "usage: $0 run PORT[,PORT...] CMD [ARG...]"
    upstreams="$1"
    shift
    dir="$(new_dir)"
    trap 'stop_lb "$dir"' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    start_lb "$dir" "$upstreams"
    export PAYSTACK_TEST_LB_URL="http://127.0.0.1:$port"
    echo "nginx-test-lb: $PAYSTACK_TEST_LB_URL -> $upstreams" >&2
    status=0
    "$@" || status=$?
    exit "$status"
    ;;
  start)
    state="${1:?usage: $0 start STATE_DIR PORT[,PORT...]}"
    upstreams="${2:?usage: $0 start STATE_DIR PORT[,PORT...]}"
    mkdir -p "$state"
    if [ -f "$state/data" ]; then stop_lb "$(cat "$state/data")"; fi
    rm -f "$state/url" "$state/data"
    dir="$(new_dir)"
    echo "$dir" >"$state/data"
    started=0
    trap 'if [ "$started" -ne 1 ]; then stop_lb "$dir"; rm -f "$state/data"; fi' EXIT
    start_lb "$dir" "$upstreams"
    started=1
    echo "http://127.0.0.1:$port" >"$state/url"
    cat "$state/url"
    ;;
  stop)
    state="${1:?usage: $0 stop STATE_DIR}"
    if [ -f "$state/data" ]; then stop_lb "$(cat "$state/data")"; fi
    rm -f "$state/url" "$state/data"
    ;;
  selftest)
    command -v curl >/dev/null || die "curl not found"
    dir="$(new_dir)"
    trap 'stop_lb "$dir"' EXIT
    start_lb "$dir" "" 3
    declare -A seen=()
    for i in 1 2 3 4 5 6; do
      got="$(curl -sS --max-time 5 -X POST --data '{}' "http://127.0.0.1:$port/hook")"
      seen[$got]=$((${seen[$got]:-0} + 1))
    done
    for p in ${echo_ports//,/ }; do
      echo "upstream $p: ${seen[$p]:-0} of 6"
      [ "${seen[$p]:-0}" -eq 2 ] || die "round robin: upstream $p got ${seen[$p]:-0}, not 2"
    done
    pid="$(cat "$dir/nginx.pid")"
    stop_lb "$dir"
    trap - EXIT
    ! kill -0 "$pid" 2>/dev/null || die "nginx (pid $pid) still running after stop"
    [ ! -e "$dir" ] || die "$dir not deleted"
    echo "nginx-test-lb: round robin over ${echo_ports}, stopped and deleted"
    ;;
  *)
    die "usage: $0 run PORTS CMD... | start STATE_DIR PORTS | stop STATE_DIR | selftest"
    ;;
esac
