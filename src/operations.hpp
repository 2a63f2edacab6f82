// The table of operations: for each public operation its name, method, path template and retry
// class (doc/adr/0004-retries.md; tests/unit/operations_test.cpp holds the two equal). Every
// start_* function builds its request from its row, so a route or a retry class is said once.
#pragma once

#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

#include "client_core.hpp"
#include "http/retry.hpp"

namespace paystack {
inline namespace v0 {
namespace detail {

/// One public operation.
enum class operation_id {
  commission_terminal,
  decommission_terminal,
  fetch_event_status,
  fetch_terminal,
  fetch_terminal_status,
  list_terminals,
  send_event,
  update_terminal,
  create_payment_request,
  fetch_payment_request,
  verify_payment_request,
  list_payment_requests,
  update_payment_request,
  archive_payment_request,
  finalize_payment_request,
  send_payment_request_notification,
  fetch_payment_request_totals,
  create_virtual_terminal,
  list_virtual_terminals,
  fetch_virtual_terminal,
  update_virtual_terminal,
  deactivate_virtual_terminal,
  assign_virtual_terminal_destinations,
  unassign_virtual_terminal_destinations,
  add_virtual_terminal_split_code,
  remove_virtual_terminal_split_code,
  list_transactions,
  fetch_transaction,
  verify_transaction,
  transaction_totals,
  create_refund,
  list_refunds,
  fetch_refund,
  list_settlements,
  list_settlement_transactions,
  export_transactions,
  fetch_transaction_timeline,
};

/// A row of the table.
struct operation_spec {
  operation_id id;
  std::string_view name;  ///< as in the ADR, e.g. "fetch_terminal"
  http_method method;
  /// Relative to the base URL; "{name}" segments are the caller's arguments, in order
  /// (percent-encoded), the others are fixed.
  std::string_view path;
  retry_class retry;
};

/// Every operation, in operation_id order.
std::span<const operation_spec> operation_table() noexcept;

/// The row of `id`.
const operation_spec& operation(operation_id id) noexcept;

/// The target of `op` under the base URL's prefix, with `args` in its "{...}" segments; query
/// parameters may be added to the builder.
target_builder operation_target(const client_core& core, const operation_spec& op,
                                std::initializer_list<std::string_view> args);

/// The request of `op`: its method, `target` (from operation_target) and `body` (empty for a
/// GET), with the standard headers (client_core::make_request).
http_request operation_request(const client_core& core, const operation_spec& op,
                               std::string target, std::string body = {});

}  // namespace detail
}  // namespace v0
}  // namespace paystack
