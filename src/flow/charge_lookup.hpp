// Recovery of a charge whose journal says "creating" without a result: the payment request of
// the key at Paystack, found by listing the customer's requests around the charge's start and
// matching the key marker (doc/adr/0008-charge-recovery.md). Private to paystack::flow.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>
#include <optional>
#include <paystack/payment_request.hpp>
#include <paystack/terminal_client.hpp>
#include <string>

namespace paystack {
inline namespace v0 {
namespace detail {

/// What the lookup found.
struct request_lookup {
  bool answered = false;                   ///< Paystack answered every page: `request` is certain
  std::optional<payment_request> request;  ///< the key's request (the oldest if several)
  boost::system::error_code ec;            ///< when not answered and no reply came back
  std::string detail;                      ///< why not answered
  unsigned calls = 0;                      ///< list calls made
};

/// Lists `customer`'s payment requests created from `started_at_ms` - 10 minutes to now + 10
/// minutes (clock skew) and returns the one whose description carries the marker of `key`.
/// Bounded: at most 20 pages of 100.
boost::asio::awaitable<request_lookup> find_request_by_key(const terminal_client& client,
                                                           std::string customer, std::string key,
                                                           std::int64_t started_at_ms);

}  // namespace detail
}  // namespace v0
}  // namespace paystack
