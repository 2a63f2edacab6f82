// The fleet's one rate budget (doc/fleet.md): a token bucket per integration in the database,
// shared by every instance. Paystack allows 100 requests/min in test mode and 600 live per
// integration, whichever instance sends them; a 429 must not end a charge.
//
// Payment-critical calls (push, verify of a waiting charge) may take every token; housekeeping
// (presence checks, lists, reconciliation sweeps) leaves `reserve` tokens for them, so when the
// budget runs low the payment path goes first. Each function is one statement, atomic under
// concurrency (the bucket's row is locked for the statement). Handlers run on the connection's
// strand, never from within the initiating function.
#pragma once

#include <boost/asio/any_completion_handler.hpp>
#include <chrono>
#include <cstdint>
#include <string>

#include "pg/connection.hpp"

namespace paystack {
inline namespace v0 {
namespace pg {

enum class call_priority { payment_critical, housekeeping };

struct budget_config {
  std::string integration;  // a configured name (never the secret key)
  double capacity = 100;    // tokens when full (the burst)
  double per_minute = 100;  // refill
  double reserve = 0;       // tokens housekeeping may not take
};

struct take_result {
  bool granted = false;
  double available = 0;                      // tokens before this call
  std::chrono::milliseconds retry_after{0};  // when refused: the refill time for this priority
};

using budget_handler = boost::asio::any_completion_handler<void(boost::system::error_code)>;
using take_handler =
    boost::asio::any_completion_handler<void(boost::system::error_code, take_result)>;

/// Creates the bucket full, or changes its size and refill (tokens kept, capped at capacity).
void async_configure_budget(connection& c, budget_config config, budget_handler h);

/// Takes `cost` tokens for a call of `priority` if the bucket allows it now. An integration
/// without a bucket completes with errc::query_failed (configure it first).
void async_take_budget(connection& c, std::string integration, call_priority priority, double cost,
                       take_handler h);

/// What Paystack's x-ratelimit-limit / x-ratelimit-remaining headers said: the bucket never
/// holds more than `remaining` tokens afterwards; `limit` > 0 becomes its capacity.
void async_observe_rate_limit(connection& c, std::string integration, std::int64_t limit,
                              std::int64_t remaining, budget_handler h);

}  // namespace pg
}  // namespace v0
}  // namespace paystack
