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
# Virtual Terminal: every operation, both list paging styles, the documented error replies.
VT=$(cli --json virtual-terminal create "Spec till" --destination "2347081234567:Front desk" \
  --currency NGN --metadata '{"till":"1"}' | sed -E 's/.*"code":"(VT_[A-Z0-9]+)".*/\1/')
cli virtual-terminal list --per-page 1
cli virtual-terminal list --per-page 1 --page 1
cli virtual-terminal list --all --status active
cli virtual-terminal fetch "$VT"
cli_fails virtual-terminal fetch VT_NOSUCH00
cli virtual-terminal update "$VT" --name "Spec till 2"
cli virtual-terminal assign-destination "$VT" --destination "2341234567890:Back office"
cli virtual-terminal unassign-destination "$VT" 2341234567890
cli virtual-terminal add-split "$VT" SPL_spec
cli virtual-terminal remove-split "$VT" SPL_spec
cli_fails virtual-terminal remove-split "$VT" SPL_spec
cli virtual-terminal deactivate "$VT"
