# The CLI commands the spec check records (sourced by run_spec_check.sh): every operation the
# CLI can send, successes and error replies. `cli` must succeed, `cli_fails` must fail.
cli list --per-page 1
cli list --all
cli fetch "$TERMINAL"
cli_fails fetch NO_SUCH_TERMINAL
cli status "$TERMINAL"
cli update "$TERMINAL" --name "Till 1" --address "Lagos"
cli commission "$SERIAL"
cli_fails commission "$SERIAL"
cli decommission "$SERIAL"
cli_fails event-status "$TERMINAL" 999999
cli charge "$TERMINAL" --amount 5000 --customer CUS_spec_check --timeout 20
