// The fleet's one rate budget (paystack/rate_budget.hpp, doc/fleet.md): the token bucket of
// src/flow/store/pg/rate_budget in the PostgreSQL store's database, shared by every process naming
// the same integration. Private to src/flow/ (charge_store::shared_rate_budget of the
// PostgreSQL store).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <memory>
#include <paystack/rate_budget.hpp>
#include <string>

namespace paystack {
inline namespace v0 {
namespace detail {

/// A budget on its own connection to `url` (connected and the bucket configured on first use).
/// A take that cannot reach the database completes with error::store_failed (the caller sends
/// anyway); after a failed connect, takes fail at once for a second before the next attempt.
/// Throws std::invalid_argument for options out of range.
std::shared_ptr<rate_budget> make_pg_rate_budget(boost::asio::any_io_executor ex, std::string url,
                                                 rate_budget_options options,
                                                 std::chrono::milliseconds timeout);

}  // namespace detail
}  // namespace v0
}  // namespace paystack
