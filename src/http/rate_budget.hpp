// The rate budget in the client's pipeline (paystack/rate_budget.hpp, doc/fleet.md): a transport
// that takes a token from the budget before each HTTP attempt and tells the budget what
// Paystack's x-ratelimit-* headers (and 429s) said.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <memory>
#include <optional>
#include <paystack/rate_budget.hpp>
#include <paystack/transport.hpp>

namespace paystack {
inline namespace v0 {
namespace detail {

/// Wraps `inner`: before each request, a token of `budget` for the request's priority
/// (`priority`, else classify_request). While the budget says wait, it waits (honouring the
/// handler's cancellation slot) until the request's deadline; a wait past the deadline completes
/// with a 429 reply built here (request_sent false: nothing was sent; Retry-After: the wait), so
/// the callers' handling of Paystack's 429 applies unchanged. A budget that fails (its database
/// unreachable) lets the request through.
/// `strand` serialises the waits' state (the client's strand).
std::shared_ptr<transport> make_budgeted_transport(boost::asio::any_io_executor strand,
                                                   std::shared_ptr<transport> inner,
                                                   std::shared_ptr<rate_budget> budget,
                                                   std::optional<call_priority> priority);

/// The body of the 429 the budgeted transport builds (code "rate_limited", as Paystack's).
inline constexpr std::string_view budget_exhausted_message =
    "Rate budget exhausted: not sent (paystack-cpp's rate budget, not Paystack)";

}  // namespace detail
}  // namespace v0
}  // namespace paystack
