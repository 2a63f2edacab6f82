# shellcheck shell=bash
# Sourced by consumers.sh and source_consumers.sh: a paystack-sim on an ephemeral loopback port,
# with PAYSTACK_BASE_URL and PAYSTACK_SECRET_KEY (a test key) pointing the consumers at it.
#   start_sim SIM_PROGRAM    starts it (sim_pid; a trap kills it if the script ends first)
#   stop_sim                 stops it and unsets the two variables
start_sim() {
  local key=sk_test_package_check banner
  exec 3< <(exec "$1" --port 0 --secret-key "$key" --delivery-delay 100 --auto-pay-delay 300)
  sim_pid=$!
  trap 'kill "$sim_pid" 2>/dev/null || true' EXIT
  read -r -t 20 banner <&3 || { echo "paystack-sim did not start" >&2; exit 1; }
  echo "$banner"
  export PAYSTACK_BASE_URL="${banner##* }" PAYSTACK_SECRET_KEY="$key"
  case "$PAYSTACK_BASE_URL" in http://127.0.0.1:*) ;; *) echo "unexpected banner: $banner" >&2; exit 1 ;; esac
}

stop_sim() {
  kill "$sim_pid"
  trap - EXIT
  unset PAYSTACK_BASE_URL PAYSTACK_SECRET_KEY
}
