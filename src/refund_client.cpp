// Refunds: create (never repeated once sent), list (page numbers), fetch, and the lazy walk.
// Method, path and retry class come from the table of operations (operations.hpp).
#include <algorithm>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <paystack/refund_client.hpp>

#include "client_core.hpp"
#include "operation.hpp"
#include "operations.hpp"
#include "param_checks.hpp"
#include "walk.hpp"

namespace paystack {
inline namespace v0 {
namespace detail {
namespace {

std::string check_note(std::string_view what, const std::optional<std::string>& note) {
  if (note && note->size() > create_refund_params::max_note_length)
    return std::string(what) + " is longer than " +
           std::to_string(create_refund_params::max_note_length) + " bytes";
  return {};
}

std::string check_currency(const std::optional<std::string>& c) {
  if (!c) return {};
  const bool ok = c->size() == 3 &&
                  std::all_of(c->begin(), c->end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; });
  return ok ? std::string() : "currency must be three capital letters, e.g. NGN";
}

std::string check_digits(std::string_view what, const std::string& s, std::size_t max) {
  const bool ok = !s.empty() && s.size() <= max &&
                  std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  return ok ? std::string()
            : std::string(what) + " must be 1 to " + std::to_string(max) + " digits";
}

std::string create_body(const create_refund_params& p) {
  boost::json::object body;
  body["transaction"] = p.transaction;
  if (p.amount) body["amount"] = *p.amount;
  if (p.currency) body["currency"] = *p.currency;
  if (p.customer_note) body["customer_note"] = *p.customer_note;
  if (p.merchant_note) body["merchant_note"] = *p.merchant_note;
  return boost::json::serialize(body);
}

std::string check_list(const list_refunds_params& p) {
  return first_problem(check_positive("per_page", p.per_page), check_positive("page", p.page),
                       check_filter("transaction", p.transaction),
                       check_filter("currency", p.currency), check_filter("from", p.from),
                       check_filter("to", p.to));
}

std::string list_target(const client_core& core, const list_refunds_params& p) {
  auto t = operation_target(core, operation(operation_id::list_refunds), {});
  const std::pair<const char*, const std::optional<std::string>*> filters[] = {
      {"transaction", &p.transaction}, {"currency", &p.currency}, {"from", &p.from}, {"to", &p.to}};
  for (const auto& [name, value] : filters)
    if (*value) t.query(name, **value);
  if (p.per_page) t.query("perPage", std::to_string(*p.per_page));
  if (p.page) t.query("page", std::to_string(*p.page));
  return std::move(t).str();
}

template <class T>
bool refuse(const client_core& core, any_handler<T>& handler, std::string problem) {
  if (problem.empty()) return false;
  complete_now<T>(core, std::move(handler), error::invalid_argument, std::move(problem));
  return true;
}

}  // namespace

void start_create_refund(std::shared_ptr<client_core> core, create_refund_params params,
                         any_handler<refund> handler) {
  if (refuse_if_misconfigured(*core, handler) ||
      refuse(*core, handler,
             first_problem(check_id("transaction", params.transaction),
                           check_positive("amount", params.amount), check_currency(params.currency),
                           check_note("customer_note", params.customer_note),
                           check_note("merchant_note", params.merchant_note))))
    return;
  const auto& op = operation(operation_id::create_refund);
  run_operation<refund>(
      *core,
      operation_request(*core, op, operation_target(*core, op, {}).str(), create_body(params)),
      op.retry, std::move(handler));
}

void start_list_refunds(std::shared_ptr<client_core> core, list_refunds_params params,
                        any_handler<std::vector<refund>> handler) {
  if (refuse_if_misconfigured(*core, handler) || refuse(*core, handler, check_list(params))) return;
  const auto& op = operation(operation_id::list_refunds);
  run_operation<std::vector<refund>>(*core,
                                     operation_request(*core, op, list_target(*core, params)),
                                     op.retry, std::move(handler));
}

void start_fetch_refund(std::shared_ptr<client_core> core, std::int64_t id,
                        any_handler<refund> handler) {
  if (refuse_if_misconfigured(*core, handler) ||
      refuse(*core, handler, check_positive("refund id", id)))
    return;
  const auto& op = operation(operation_id::fetch_refund);
  run_operation<refund>(
      *core, operation_request(*core, op, operation_target(*core, op, {std::to_string(id)}).str()),
      op.retry, std::move(handler));
}

void start_retry_refund(std::shared_ptr<client_core> core, std::int64_t id,
                        refund_account_details details, any_handler<refund> handler) {
  if (refuse_if_misconfigured(*core, handler) ||
      refuse(*core, handler,
             first_problem(check_positive("refund id", id),
                           check_currency(std::optional<std::string>(details.currency)),
                           check_digits("account_number", details.account_number, 32),
                           check_digits("bank_id", details.bank_id, 16))))
    return;
  boost::json::object account{{"currency", details.currency},
                              {"account_number", details.account_number},
                              {"bank_id", details.bank_id}};
  const auto body =
      boost::json::serialize(boost::json::object{{"refund_account_details", std::move(account)}});
  const auto& op = operation(operation_id::retry_refund);
  run_operation<refund>(
      *core,
      operation_request(*core, op, operation_target(*core, op, {std::to_string(id)}).str(), body),
      op.retry, std::move(handler));
}

void start_for_each_refund(std::shared_ptr<client_core> core, list_refunds_params params,
                           std::size_t limit, std::function<bool(const refund&)> visit,
                           any_handler<walk_summary> handler) {
  start_walk<refund, list_refunds_params>(std::move(core), &start_list_refunds, std::move(params),
                                          limit, std::move(visit), std::move(handler),
                                          &advance_page<list_refunds_params>);
}

}  // namespace detail

refund_client::refund_client(const terminal_client& terminals)
    : terminals_(terminals), core_(terminals.core_) {}

refund_client::refund_client(executor_type executor, client_options options)
    : refund_client(terminal_client(std::move(executor), std::move(options))) {}

}  // namespace v0
}  // namespace paystack
