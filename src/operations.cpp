#include "operations.hpp"

#include <array>
#include <cassert>
#include <cstddef>

namespace paystack {
inline namespace v0 {
namespace detail {
namespace {

using enum operation_id;
constexpr auto get = http_method::get;
constexpr auto post = http_method::post;
constexpr auto put = http_method::put;
constexpr auto del = http_method::delete_;
constexpr auto idempotent = retry_class::idempotent;
constexpr auto unsafe = retry_class::unsafe;

constexpr std::array<operation_spec, 37> table{{
    {commission_terminal, "commission_terminal", post, "/terminal/commission_device", unsafe},
    {decommission_terminal, "decommission_terminal", post, "/terminal/decommission_device", unsafe},
    {fetch_event_status, "fetch_event_status", get, "/terminal/{terminal_id}/event/{event_id}",
     idempotent},
    {fetch_terminal, "fetch_terminal", get, "/terminal/{terminal_id}", idempotent},
    {fetch_terminal_status, "fetch_terminal_status", get, "/terminal/{terminal_id}/presence",
     idempotent},
    {list_terminals, "list_terminals", get, "/terminal", idempotent},
    {send_event, "send_event", post, "/terminal/{terminal_id}/event", unsafe},
    {update_terminal, "update_terminal", put, "/terminal/{terminal_id}", idempotent},
    {create_payment_request, "create_payment_request", post, "/paymentrequest", unsafe},
    {fetch_payment_request, "fetch_payment_request", get, "/paymentrequest/{id_or_code}",
     idempotent},
    {verify_payment_request, "verify_payment_request", get, "/paymentrequest/verify/{id_or_code}",
     idempotent},
    {list_payment_requests, "list_payment_requests", get, "/paymentrequest", idempotent},
    {update_payment_request, "update_payment_request", put, "/paymentrequest/{id_or_code}",
     idempotent},
    {archive_payment_request, "archive_payment_request", post,
     "/paymentrequest/archive/{id_or_code}", idempotent},
    {finalize_payment_request, "finalize_payment_request", post,
     "/paymentrequest/finalize/{id_or_code}", unsafe},
    {send_payment_request_notification, "send_payment_request_notification", post,
     "/paymentrequest/notify/{id_or_code}", unsafe},
    {fetch_payment_request_totals, "fetch_payment_request_totals", get, "/paymentrequest/totals",
     idempotent},
    {create_virtual_terminal, "create_virtual_terminal", post, "/virtual_terminal", unsafe},
    {list_virtual_terminals, "list_virtual_terminals", get, "/virtual_terminal", idempotent},
    {fetch_virtual_terminal, "fetch_virtual_terminal", get, "/virtual_terminal/{code}", idempotent},
    {update_virtual_terminal, "update_virtual_terminal", put, "/virtual_terminal/{code}",
     idempotent},
    {deactivate_virtual_terminal, "deactivate_virtual_terminal", put,
     "/virtual_terminal/{code}/deactivate", idempotent},
    {assign_virtual_terminal_destinations, "assign_virtual_terminal_destinations", post,
     "/virtual_terminal/{code}/destination/assign", unsafe},
    {unassign_virtual_terminal_destinations, "unassign_virtual_terminal_destinations", post,
     "/virtual_terminal/{code}/destination/unassign", unsafe},
    {add_virtual_terminal_split_code, "add_virtual_terminal_split_code", put,
     "/virtual_terminal/{code}/split_code", unsafe},
    {remove_virtual_terminal_split_code, "remove_virtual_terminal_split_code", del,
     "/virtual_terminal/{code}/split_code", unsafe},
    {list_transactions, "list_transactions", get, "/transaction", idempotent},
    {fetch_transaction, "fetch_transaction", get, "/transaction/{id}", idempotent},
    {verify_transaction, "verify_transaction", get, "/transaction/verify/{reference}", idempotent},
    {transaction_totals, "transaction_totals", get, "/transaction/totals", idempotent},
    {create_refund, "create_refund", post, "/refund", unsafe},
    {list_refunds, "list_refunds", get, "/refund", idempotent},
    {fetch_refund, "fetch_refund", get, "/refund/{id}", idempotent},
    {list_settlements, "list_settlements", get, "/settlement", idempotent},
    {list_settlement_transactions, "list_settlement_transactions", get,
     "/settlement/{id}/transactions", idempotent},
    {export_transactions, "export_transactions", get, "/transaction/export", idempotent},
    {fetch_transaction_timeline, "fetch_transaction_timeline", get,
     "/transaction/timeline/{id_or_reference}", idempotent},
}};

constexpr bool in_id_order() {
  for (std::size_t i = 0; i < table.size(); ++i)
    if (static_cast<std::size_t>(table[i].id) != i) return false;
  return true;
}
static_assert(in_id_order(), "operation table rows must be in operation_id order");

}  // namespace

std::span<const operation_spec> operation_table() noexcept {
  return table;
}

const operation_spec& operation(operation_id id) noexcept {
  return table[static_cast<std::size_t>(id)];
}

target_builder operation_target(const client_core& core, const operation_spec& op,
                                std::initializer_list<std::string_view> args) {
  auto t = core.target();
  const auto* arg = args.begin();
  std::string_view path = op.path;
  while (!path.empty()) {
    path.remove_prefix(1);  // the '/'
    const auto end = path.find('/');
    const auto seg = path.substr(0, end);
    if (!seg.empty() && seg.front() == '{') {
      assert(arg != args.end());
      t.segment(*arg++);
    } else {
      t.literal(seg);
    }
    path = end == std::string_view::npos ? std::string_view{} : path.substr(end);
  }
  assert(arg == args.end());
  return t;
}

http_request operation_request(const client_core& core, const operation_spec& op,
                               std::string target, std::string body) {
  auto request = core.make_request(op.method, std::move(target), std::move(body));
  request.operation = op.name;
  return request;
}

}  // namespace detail
}  // namespace v0
}  // namespace paystack
