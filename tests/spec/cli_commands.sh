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
# A customer pays the Virtual Terminal: a card transaction (source virtual_terminal) to list.
sim_control POST "/_sim/virtual_terminals/$VT/pay" '{"amount":2500}'
cli_fails virtual-terminal remove-split "$VT" SPL_spec
cli virtual-terminal deactivate "$VT"

# Payment requests (doc/cli.md "payment-request").
code=$(cli --json payment-request create --customer CUS_spec_check --item "Rice:2500:2" \
         --tax "VAT:100" --description "spec check" --due-date 2030-01-01 --no-notify |
       /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["request_code"])')
cli payment-request create --customer CUS_spec_check --amount 5000 --draft
cli payment-request list --customer CUS_spec_check --status pending --currency NGN --per-page 1 --page 1
cli payment-request list --include-archive --from 2020-01-01T00:00:00Z --to 2040-01-01T00:00:00Z --all
cli payment-request fetch "$code"
cli payment-request verify "$code"
cli payment-request update "$code" --description "updated" --amount 7000
cli payment-request notify "$code"
cli payment-request totals
cli payment-request archive "$code"
cli_fails payment-request verify "$code"
cli_fails payment-request fetch PRQ_no_such_request


# Transactions (doc/cli.md "transaction"): the terminal charge above left a POS transaction on
# $TERMINAL, the Virtual Terminal payment a card one.
json_field() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
txn=$(cli --json transaction list --terminal "$TERMINAL" --per-page 1 | json_field 'd["data"][0]["id"]')
ref=$(cli --json transaction fetch "$txn" | json_field 'd["data"]["reference"]')
cli transaction list
cli transaction list --terminal "$TERMINAL" --channel pos --status success --from 2020-01-01 \
  --to 2040-01-01 --per-page 1 --page 1
next=$(cli --json transaction list --cursor --per-page 1 | json_field 'd["meta"]["next"]')
cli transaction list --cursor --per-page 1 --next "$next"
cli transaction list --all --customer CUS_spec_check
cli transaction verify "$ref"
cli transaction totals --from 2020-01-01 --to 2040-01-01
cli_fails transaction fetch 999999999
cli_fails transaction verify pos_nosuchref

# Refunds (doc/cli.md "refund"): a partial refund with notes, then the rest, then one too many.
refund=$(cli --json refund create "$ref" --amount 1000 --currency NGN --customer-note "sorry" \
           --merchant-note "returned" | json_field 'd["data"]["id"]')
cli refund create "$ref"
cli_fails refund create "$ref"
cli refund list
cli refund list --transaction "$ref" --currency NGN --from 2020-01-01 --to 2040-01-01 \
  --per-page 1 --page 1
cli refund list --all
cli refund fetch "$refund"
cli_fails refund fetch 999999999

# Keyed refunds (doc/cli.md "refund create ... --key", "refunds"): exactly once through a store,
# on a sale of their own ($ref is fully refunded above). Subunits 14 make the simulator's refund
# need attention (doc/simulator.md; with --refund-delay 0 at once) for `refund retry`.
store="$work/refunds.db"
cli charge "$TERMINAL" --amount 5000 --customer CUS_spec_check --timeout 20
keyed_txn=$(cli --json transaction list --terminal "$TERMINAL" --per-page 1 | json_field 'd["data"][0]["id"]')
test "$keyed_txn" != "$txn"
cli refund create "$keyed_txn" --amount 1000 --key spec-1 --customer-note "sorry" --store "$store"
cli refund create "$keyed_txn" --amount 1000 --key spec-1 --store "$store"
cli_fails refund create "$keyed_txn" --amount 9000 --key spec-over --store "$store"
cli_fails refund create "$keyed_txn" --amount 600 --key spec-1 --store "$store"
cli_fails refund create 999999999 --amount 100 --key spec-no-txn --store "$store"
attention=$(cli --json refund create "$keyed_txn" --amount 1014 --key spec-attention \
              --store "$store" | json_field 'd["refund_id"]')
test "$(cli --json refund fetch "$attention" | json_field 'd["data"]["status"]')" = needs-attention
cli refund retry "$attention" --account-number 1234567890 --bank-id 9 --currency NGN
cli_fails refund retry "$attention" --account-number 1234567890 --bank-id 9 --currency NGN
cli_fails refund retry 999999999 --account-number 1234567890 --bank-id 9 --currency NGN
# An unfinished keyed refund for `refunds resume` (set up, not recorded: nothing listens on port
# 9, so the transaction is not read and the key stays at stage started, exit 3).
if timeout 60 "$cli_bin" --base-url http://127.0.0.1:9 refund create "$keyed_txn" --amount 500 \
     --key spec-unfinished --store "$store" >"$work/last.out" 2>&1; then
  echo "run_spec_check: a refund through a closed port succeeded" >&2
  exit 1
fi
test "$(cli --json refunds list --unfinished --store "$store" | json_field 'd[0]["key"]')" = spec-unfinished
cli refunds list --store "$store"
cli refunds show spec-1 --store "$store"
cli_fails refunds show spec-none --store "$store"
cli refunds resume spec-unfinished --store "$store"
cli refunds resume --all --store "$store"
cli_fails refunds resume spec-none --store "$store"

# After the sale (doc/cli.md "transaction export | timeline; settlement list | transactions"): the
# payments above make today's settlement.
sid=$(cli --json settlement list --per-page 1 | json_field 'd["data"][0]["id"]')
cli settlement list
cli settlement list --per-page 1 --page 1 --from 2020-01-01 --to 2040-01-01 --status pending
cli settlement list --all
cli settlement transactions "$sid" --per-page 1 --page 1
cli settlement transactions "$sid" --all --from 2020-01-01 --to 2040-01-01
cli_fails settlement transactions 99
cli transaction export
cli transaction export --from 2020-01-01T00:00:00Z --to 2040-01-01T00:00:00Z --status all \
  --customer 1 --settlement "$sid"
cli transaction timeline "$txn"
cli transaction timeline "$ref"
cli_fails transaction timeline 1
