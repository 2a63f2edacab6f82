// List Payment Requests (page numbers) and async_for_each_payment_request, its lazy walk
// (walk.hpp does the walking).
#include <paystack/payment_request_client.hpp>
#include <string>

#include "ids.hpp"
#include "operations.hpp"
#include "walk.hpp"

namespace paystack {
inline namespace v0 {
namespace detail {
namespace {

/// Why `p` is refused before sending; empty when it may be sent.
std::string check_list_params(const list_payment_requests_params& p) {
  const std::pair<const char*, const std::optional<std::string>*> texts[] = {
      {"customer", &p.customer},
      {"status", &p.status},
      {"currency", &p.currency},
      {"from", &p.from},
      {"to", &p.to}};
  for (const auto& [name, value] : texts) {
    if (!*value) continue;
    auto detail = check_id(name, **value);
    if (!detail.empty()) return detail;
  }
  if (p.per_page && *p.per_page < 1) return "per_page must be at least 1";
  if (p.page && *p.page < 1) return "page must be at least 1";
  return {};
}

std::string list_target(const client_core& core, const list_payment_requests_params& p) {
  auto t = operation_target(core, operation(operation_id::list_payment_requests), {});
  if (p.customer) t.query("customer", *p.customer);
  if (p.status) t.query("status", *p.status);
  if (p.currency) t.query("currency", *p.currency);
  if (p.include_archive) t.query("include_archive", *p.include_archive ? "true" : "false");
  if (p.from) t.query("from", *p.from);
  if (p.to) t.query("to", *p.to);
  if (p.per_page) t.query("perPage", std::to_string(*p.per_page));
  if (p.page) t.query("page", std::to_string(*p.page));
  return std::move(t).str();
}

}  // namespace

void start_list_payment_requests(std::shared_ptr<client_core> core,
                                 list_payment_requests_params params,
                                 any_handler<std::vector<payment_request>> handler) {
  if (refuse_if_misconfigured(*core, handler)) return;
  auto detail = check_list_params(params);
  if (!detail.empty())
    return complete_now<std::vector<payment_request>>(*core, std::move(handler),
                                                      error::invalid_argument, std::move(detail));
  const auto& op = operation(operation_id::list_payment_requests);
  run_operation<std::vector<payment_request>>(
      *core, operation_request(*core, op, list_target(*core, params)), op.retry,
      std::move(handler));
}

void start_for_each_payment_request(std::shared_ptr<client_core> core,
                                    list_payment_requests_params params, std::size_t limit,
                                    std::function<bool(const payment_request&)> visit,
                                    any_handler<walk_summary> handler) {
  start_walk<payment_request, list_payment_requests_params>(
      std::move(core), &start_list_payment_requests, std::move(params), limit, std::move(visit),
      std::move(handler), &advance_page<list_payment_requests_params>);
}

}  // namespace detail
}  // namespace v0
}  // namespace paystack
