// Transactions: list (page numbers or cursors), fetch, verify, totals, and the lazy walk. All
// reads; method, path and retry class come from the table of operations (operations.hpp).
#include <paystack/transaction_client.hpp>

#include "client_core.hpp"
#include "operation.hpp"
#include "operations.hpp"
#include "param_checks.hpp"
#include "walk.hpp"

namespace paystack {
inline namespace v0 {
namespace detail {
namespace {

std::string check_list(const list_transactions_params& p) {
  const bool cursor = p.use_cursor.value_or(false);
  if ((p.next || p.previous) && !cursor) return "the next and previous cursors need use_cursor";
  if (p.page && cursor) return "give a page number or use_cursor, not both";
  if (p.next && p.previous) return "give at most one of next and previous";
  for (const auto* c : {&p.next, &p.previous})
    if (*c && !cursor_ok(c->value()))
      return "cursor is longer than " + std::to_string(max_cursor_length) + " characters";
  return first_problem(check_positive("per_page", p.per_page), check_positive("page", p.page),
                       check_filter("terminal_id", p.terminal_id),
                       check_filter("channel", p.channel), check_filter("status", p.status),
                       check_filter("customer", p.customer), check_filter("from", p.from),
                       check_filter("to", p.to));
}

std::string list_target(const client_core& core, const list_transactions_params& p) {
  auto t = operation_target(core, operation(operation_id::list_transactions), {});
  const std::pair<const char*, const std::optional<std::string>*> filters[] = {
      {"terminal_id", &p.terminal_id}, {"channel", &p.channel}, {"status", &p.status},
      {"customer_code", &p.customer},  {"from", &p.from},       {"to", &p.to}};
  for (const auto& [name, value] : filters)
    if (*value) t.query(name, **value);
  if (p.use_cursor) t.query("use_cursor", *p.use_cursor ? "true" : "false");
  if (p.next && !p.next->empty()) t.query("next", *p.next);
  if (p.previous && !p.previous->empty()) t.query("previous", *p.previous);
  if (p.per_page) t.query("perPage", std::to_string(*p.per_page));
  if (p.page) t.query("page", std::to_string(*p.page));
  return std::move(t).str();
}

/// Runs a GET of `id` whose target is ready, or refuses with `problem` when it is not empty.
template <class T>
void get_or_refuse(const std::shared_ptr<client_core>& core, operation_id id, std::string problem,
                   std::string target, any_handler<T> handler) {
  if (!problem.empty())
    return complete_now<T>(*core, std::move(handler), error::invalid_argument, std::move(problem));
  run_operation<T>(*core, operation_request(*core, operation(id), std::move(target)),
                   operation(id).retry, std::move(handler));
}

}  // namespace

void start_list_transactions(std::shared_ptr<client_core> core, list_transactions_params params,
                             any_handler<std::vector<transaction>> handler) {
  if (refuse_if_misconfigured(*core, handler)) return;
  auto problem = check_list(params);
  auto target = problem.empty() ? list_target(*core, params) : std::string();
  get_or_refuse(core, operation_id::list_transactions, std::move(problem), std::move(target),
                std::move(handler));
}

void start_fetch_transaction(std::shared_ptr<client_core> core, std::int64_t id,
                             any_handler<transaction> handler) {
  if (refuse_if_misconfigured(*core, handler)) return;
  const auto& op = operation(operation_id::fetch_transaction);
  get_or_refuse(core, op.id, check_positive("transaction id", id),
                operation_target(*core, op, {std::to_string(id)}).str(), std::move(handler));
}

void start_verify_transaction(std::shared_ptr<client_core> core, std::string reference,
                              any_handler<transaction> handler) {
  if (refuse_if_misconfigured(*core, handler)) return;
  const auto& op = operation(operation_id::verify_transaction);
  auto problem = check_id("reference", reference);
  auto target = problem.empty() ? operation_target(*core, op, {reference}).str() : std::string();
  get_or_refuse(core, op.id, std::move(problem), std::move(target), std::move(handler));
}

void start_transaction_totals(std::shared_ptr<client_core> core, transaction_totals_params params,
                              any_handler<transaction_totals> handler) {
  if (refuse_if_misconfigured(*core, handler)) return;
  const auto& op = operation(operation_id::transaction_totals);
  auto t = operation_target(*core, op, {});
  if (params.from) t.query("from", *params.from);
  if (params.to) t.query("to", *params.to);
  get_or_refuse(core, op.id,
                first_problem(check_filter("from", params.from), check_filter("to", params.to)),
                std::move(t).str(), std::move(handler));
}

void start_for_each_transaction(std::shared_ptr<client_core> core, list_transactions_params params,
                                std::size_t limit, std::function<bool(const transaction&)> visit,
                                any_handler<walk_summary> handler) {
  // Cursor walks (use_cursor) follow meta.next; page-number walks count pages.
  auto advance = [](page_meta& meta, list_transactions_params& p, walk_seen& seen,
                    std::size_t count) {
    if (p.use_cursor.value_or(false)) return advance_cursor(meta, p, seen, count);
    return advance_page(meta, p, seen, count);
  };
  start_walk<transaction, list_transactions_params>(std::move(core), &start_list_transactions,
                                                    std::move(params), limit, std::move(visit),
                                                    std::move(handler), advance);
}

}  // namespace detail

transaction_client::transaction_client(const terminal_client& terminals)
    : terminals_(terminals), core_(terminals.core_) {}

transaction_client::transaction_client(executor_type executor, client_options options)
    : transaction_client(terminal_client(std::move(executor), std::move(options))) {}

}  // namespace v0
}  // namespace paystack
