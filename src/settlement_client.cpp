// Settlements (list, a settlement's transactions, their lazy walks) and the two after-sale reads
// of transaction_client (export, timeline). All reads; method, path and retry class come from
// the table of operations (operations.hpp).
#include <paystack/settlement_client.hpp>
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

/// Runs the GET `id` whose target is ready, or refuses with `problem` when it is not empty.
template <class T>
void get_or_refuse(const std::shared_ptr<client_core>& core, operation_id id, std::string problem,
                   std::string target, any_handler<T> handler) {
  if (!problem.empty())
    return complete_now<T>(*core, std::move(handler), error::invalid_argument, std::move(problem));
  run_operation<T>(*core, operation_request(*core, operation(id), std::move(target)),
                   operation(id).retry, std::move(handler));
}

/// Adds the optional text `value` as the query parameter `name`.
void query_if(target_builder& t, const char* name, const std::optional<std::string>& value) {
  if (value) t.query(name, *value);
}

/// Adds the optional number `value` as the query parameter `name`.
void query_if(target_builder& t, const char* name, const std::optional<std::int64_t>& value) {
  if (value) t.query(name, std::to_string(*value));
}

std::string check_status(const std::optional<std::string>& status) {
  if (!status) return {};
  for (const char* s : {"success", "failed", "abandoned", "reversed", "all"})
    if (*status == s) return {};
  return "status must be one of success, failed, abandoned, reversed, all";
}

/// Page-number walks: the page after the one the server sent, up to meta.pageCount.
template <class Params>
walk_step next_page(page_meta& meta, Params& p, walk_seen& seen, std::size_t count) {
  return advance_page(meta, p, seen, count);
}

}  // namespace

void start_list_settlements(std::shared_ptr<client_core> core, list_settlements_params params,
                            any_handler<std::vector<settlement>> handler) {
  if (refuse_if_misconfigured(*core, handler)) return;
  const auto& op = operation(operation_id::list_settlements);
  auto problem =
      first_problem(check_positive("per_page", params.per_page),
                    check_positive("page", params.page), check_filter("from", params.from),
                    check_filter("to", params.to), check_filter("status", params.status));
  auto t = operation_target(*core, op, {});
  query_if(t, "perPage", params.per_page);
  query_if(t, "page", params.page);
  query_if(t, "from", params.from);
  query_if(t, "to", params.to);
  query_if(t, "status", params.status);
  get_or_refuse(core, op.id, std::move(problem), std::move(t).str(), std::move(handler));
}

void start_for_each_settlement(std::shared_ptr<client_core> core, list_settlements_params params,
                               std::size_t limit, std::function<bool(const settlement&)> visit,
                               any_handler<walk_summary> handler) {
  start_walk<settlement, list_settlements_params>(
      std::move(core), &start_list_settlements, std::move(params), limit, std::move(visit),
      std::move(handler), &next_page<list_settlements_params>);
}

void start_list_settlement_transactions(std::shared_ptr<client_core> core,
                                        settlement_transactions_params params,
                                        any_handler<std::vector<transaction>> handler) {
  if (refuse_if_misconfigured(*core, handler)) return;
  const auto& op = operation(operation_id::list_settlement_transactions);
  auto problem = first_problem(check_positive("settlement id", params.settlement_id),
                               check_positive("per_page", params.per_page),
                               check_positive("page", params.page),
                               check_filter("from", params.from), check_filter("to", params.to));
  std::string target;
  if (problem.empty()) {
    auto t = operation_target(*core, op, {std::to_string(params.settlement_id)});
    query_if(t, "perPage", params.per_page);
    query_if(t, "page", params.page);
    query_if(t, "from", params.from);
    query_if(t, "to", params.to);
    target = std::move(t).str();
  }
  get_or_refuse(core, op.id, std::move(problem), std::move(target), std::move(handler));
}

void start_for_each_settlement_transaction(std::shared_ptr<client_core> core,
                                           settlement_transactions_params params, std::size_t limit,
                                           std::function<bool(const transaction&)> visit,
                                           any_handler<walk_summary> handler) {
  start_walk<transaction, settlement_transactions_params>(
      std::move(core), &start_list_settlement_transactions, std::move(params), limit,
      std::move(visit), std::move(handler), &next_page<settlement_transactions_params>);
}

void start_export_transactions(std::shared_ptr<client_core> core, transaction_export_params params,
                               any_handler<transaction_export> handler) {
  if (refuse_if_misconfigured(*core, handler)) return;
  const auto& op = operation(operation_id::export_transactions);
  auto problem =
      first_problem(check_filter("from", params.from), check_filter("to", params.to),
                    check_status(params.status), check_positive("customer", params.customer),
                    check_filter("subaccount_code", params.subaccount_code),
                    check_positive("settlement", params.settlement));
  auto t = operation_target(*core, op, {});
  query_if(t, "from", params.from);
  query_if(t, "to", params.to);
  query_if(t, "status", params.status);
  query_if(t, "customer", params.customer);
  query_if(t, "subaccount_code", params.subaccount_code);
  query_if(t, "settlement", params.settlement);
  get_or_refuse(core, op.id, std::move(problem), std::move(t).str(), std::move(handler));
}

void start_fetch_transaction_timeline(std::shared_ptr<client_core> core,
                                      std::string id_or_reference,
                                      any_handler<transaction_timeline> handler) {
  if (refuse_if_misconfigured(*core, handler)) return;
  const auto& op = operation(operation_id::fetch_transaction_timeline);
  auto problem = check_id("transaction id or reference", id_or_reference);
  auto target =
      problem.empty() ? operation_target(*core, op, {id_or_reference}).str() : std::string();
  get_or_refuse(core, op.id, std::move(problem), std::move(target), std::move(handler));
}

}  // namespace detail

settlement_client::settlement_client(const terminal_client& terminals)
    : terminals_(terminals), core_(terminals.core_) {}

settlement_client::settlement_client(executor_type executor, client_options options)
    : settlement_client(terminal_client(std::move(executor), std::move(options))) {}

}  // namespace v0
}  // namespace paystack
