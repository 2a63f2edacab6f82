// The client library's own series in metrics::default_registry() (doc/operations.md): fed by
// the exchange (every HTTP attempt, exchange.cpp) and the rate budget (http/rate_budget.cpp,
// and the fleet's through the public paystack/metrics.hpp). Private to the library.
#pragma once

#include <string_view>

namespace paystack {
inline namespace v0 {
namespace detail::library_metrics {

/// One HTTP attempt of `operation` (the operations table's name, in static storage as
/// http_request::operation is: the series are cached by its address; empty or off the table:
/// "other"): its status (0: no reply, counted as code "error") and how long it took. Lock-free
/// once this thread has met the (operation, status) pair. Every 429 counts in
/// paystack_rate_limited_total, also the one the rate budget makes without sending (`sent`
/// false), which counts nowhere else.
void http_attempt(std::string_view operation, unsigned status, bool sent, double seconds);

/// The tokens the process's rate budget holds now.
void rate_budget_tokens(double tokens) noexcept;

}  // namespace detail::library_metrics
}  // namespace v0
}  // namespace paystack
