// Payment Requests: create (never repeated once sent), fetch and verify. Method, path and retry
// class come from the table of operations (operations.hpp).
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <paystack/payment_request_client.hpp>

#include "client_core.hpp"
#include "ids.hpp"
#include "operation.hpp"
#include "operations.hpp"

namespace paystack {
namespace detail {
namespace {

std::string create_body(const create_payment_request_params& p) {
  boost::json::object body;
  body["customer"] = p.customer;
  if (p.amount) body["amount"] = *p.amount;
  if (!p.line_items.empty()) {
    boost::json::array items;
    for (const auto& li : p.line_items)
      items.push_back({{"name", li.name}, {"amount", li.amount}, {"quantity", li.quantity}});
    body["line_items"] = std::move(items);
  }
  if (!p.tax.empty()) {
    boost::json::array taxes;
    for (const auto& t : p.tax) taxes.push_back({{"name", t.name}, {"amount", t.amount}});
    body["tax"] = std::move(taxes);
  }
  if (p.currency) body["currency"] = *p.currency;
  if (p.description) body["description"] = *p.description;
  if (p.due_date) body["due_date"] = *p.due_date;
  if (p.send_notification) body["send_notification"] = *p.send_notification;
  if (p.draft) body["draft"] = *p.draft;
  if (p.has_invoice) body["has_invoice"] = *p.has_invoice;
  if (p.invoice_number) body["invoice_number"] = *p.invoice_number;
  if (p.split_code) body["split_code"] = *p.split_code;
  return boost::json::serialize(body);
}

void start_get(const std::shared_ptr<client_core>& core, operation_id id, std::string id_or_code,
               any_handler<payment_request> handler) {
  if (refuse_if_misconfigured(*core, handler)) return;
  if (!id_ok(id_or_code))
    return complete_now<payment_request>(
        *core, std::move(handler), error::invalid_argument,
        "payment request id or code must be 1 to " + std::to_string(max_id_length) + " characters");
  const auto& op = operation(id);
  run_operation<payment_request>(
      *core, operation_request(*core, op, operation_target(*core, op, {id_or_code}).str()),
      op.retry, std::move(handler));
}

}  // namespace

void start_create_payment_request(std::shared_ptr<client_core> core,
                                  create_payment_request_params params,
                                  any_handler<payment_request> handler) {
  if (refuse_if_misconfigured(*core, handler)) return;
  auto detail = check_payment_request_params(params);  // shared with the charge flow
  if (!detail.empty())
    return complete_now<payment_request>(*core, std::move(handler), error::invalid_argument,
                                         std::move(detail));
  const auto& op = operation(operation_id::create_payment_request);
  run_operation<payment_request>(
      *core,
      operation_request(*core, op, operation_target(*core, op, {}).str(), create_body(params)),
      op.retry, std::move(handler));
}

void start_fetch_payment_request(std::shared_ptr<client_core> core, std::string id_or_code,
                                 any_handler<payment_request> handler) {
  start_get(core, operation_id::fetch_payment_request, std::move(id_or_code), std::move(handler));
}

void start_verify_payment_request(std::shared_ptr<client_core> core, std::string code,
                                  any_handler<payment_request> handler) {
  start_get(core, operation_id::verify_payment_request, std::move(code), std::move(handler));
}

}  // namespace detail

payment_request_client::payment_request_client(const terminal_client& terminals)
    : terminals_(terminals), core_(terminals.core_) {}

payment_request_client::payment_request_client(executor_type executor, client_options options)
    : payment_request_client(terminal_client(std::move(executor), std::move(options))) {}

}  // namespace paystack
