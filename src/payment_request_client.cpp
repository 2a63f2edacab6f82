// Payment Requests: create and finalize and notify (never repeated once sent), fetch, verify,
// update, archive and totals. Method, path and retry class come from the table of operations
// (operations.hpp); list and its walk are in payment_request_list.cpp.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <paystack/payment_request_client.hpp>

#include "client_core.hpp"
#include "ids.hpp"
#include "operation.hpp"
#include "operations.hpp"

namespace paystack {
inline namespace v0 {
namespace detail {
namespace {

boost::json::array items_json(const std::vector<line_item>& items) {
  boost::json::array out;
  for (const auto& li : items)
    out.push_back({{"name", li.name}, {"amount", li.amount}, {"quantity", li.quantity}});
  return out;
}

boost::json::array tax_json(const std::vector<tax_item>& tax) {
  boost::json::array out;
  for (const auto& t : tax) out.push_back({{"name", t.name}, {"amount", t.amount}});
  return out;
}

/// The members create and update share, each only when set.
template <class Params>
void put_common(boost::json::object& body, const Params& p) {
  if (p.currency) body["currency"] = *p.currency;
  if (p.description) body["description"] = *p.description;
  if (p.due_date) body["due_date"] = *p.due_date;
  if (p.send_notification) body["send_notification"] = *p.send_notification;
  if (p.draft) body["draft"] = *p.draft;
  if (p.has_invoice) body["has_invoice"] = *p.has_invoice;
  if (p.invoice_number) body["invoice_number"] = *p.invoice_number;
  if (p.split_code) body["split_code"] = *p.split_code;
}

std::string create_body(const create_payment_request_params& p) {
  boost::json::object body;
  body["customer"] = p.customer;
  if (p.amount) body["amount"] = *p.amount;
  if (!p.line_items.empty()) body["line_items"] = items_json(p.line_items);
  if (!p.tax.empty()) body["tax"] = tax_json(p.tax);
  put_common(body, p);
  return boost::json::serialize(body);
}

std::string update_body(const update_payment_request_params& p) {
  boost::json::object body;
  if (p.customer) body["customer"] = *p.customer;
  if (p.amount) body["amount"] = *p.amount;
  if (p.line_items) body["line_items"] = items_json(*p.line_items);
  if (p.tax) body["tax"] = tax_json(*p.tax);
  put_common(body, p);
  return boost::json::serialize(body);
}

/// An operation on one request named by its id or code: checks it, sends `body` (none when
/// empty) to the row's path.
template <class T>
void start_on_request(const std::shared_ptr<client_core>& core, operation_id id,
                      const std::string& id_or_code, std::string body, any_handler<T> handler) {
  if (refuse_if_misconfigured(*core, handler)) return;
  if (!id_ok(id_or_code))
    return complete_now<T>(
        *core, std::move(handler), error::invalid_argument,
        "payment request id or code must be 1 to " + std::to_string(max_id_length) + " characters");
  const auto& op = operation(id);
  run_operation<T>(*core,
                   operation_request(*core, op, operation_target(*core, op, {id_or_code}).str(),
                                     std::move(body)),
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
  start_on_request(core, operation_id::fetch_payment_request, id_or_code, {}, std::move(handler));
}

void start_verify_payment_request(std::shared_ptr<client_core> core, std::string code,
                                  any_handler<payment_request> handler) {
  start_on_request(core, operation_id::verify_payment_request, code, {}, std::move(handler));
}

void start_update_payment_request(std::shared_ptr<client_core> core, std::string id_or_code,
                                  update_payment_request_params params,
                                  any_handler<payment_request> handler) {
  if (refuse_if_misconfigured(*core, handler)) return;
  auto detail = check_update_payment_request_params(params);
  if (!detail.empty())
    return complete_now<payment_request>(*core, std::move(handler), error::invalid_argument,
                                         std::move(detail));
  start_on_request(core, operation_id::update_payment_request, id_or_code, update_body(params),
                   std::move(handler));
}

void start_archive_payment_request(std::shared_ptr<client_core> core, std::string id_or_code,
                                   any_handler<empty> handler) {
  start_on_request(core, operation_id::archive_payment_request, id_or_code, {}, std::move(handler));
}

void start_finalize_payment_request(std::shared_ptr<client_core> core, std::string id_or_code,
                                    any_handler<payment_request> handler) {
  start_on_request(core, operation_id::finalize_payment_request, id_or_code, {},
                   std::move(handler));
}

void start_send_payment_request_notification(std::shared_ptr<client_core> core,
                                             std::string id_or_code, any_handler<empty> handler) {
  start_on_request(core, operation_id::send_payment_request_notification, id_or_code, {},
                   std::move(handler));
}

void start_fetch_payment_request_totals(std::shared_ptr<client_core> core,
                                        any_handler<payment_request_totals> handler) {
  if (refuse_if_misconfigured(*core, handler)) return;
  const auto& op = operation(operation_id::fetch_payment_request_totals);
  run_operation<payment_request_totals>(
      *core, operation_request(*core, op, operation_target(*core, op, {}).str()), op.retry,
      std::move(handler));
}

}  // namespace detail

payment_request_client::payment_request_client(const terminal_client& terminals)
    : terminals_(terminals), core_(terminals.core_) {}

payment_request_client::payment_request_client(executor_type executor, client_options options)
    : payment_request_client(terminal_client(std::move(executor), std::move(options))) {}

}  // namespace v0
}  // namespace paystack
