// Recovery of a charge whose journal says "creating" without a result: the payment request of
// the key at Paystack, found by listing the customer's requests around the charge's start and
// matching the key marker (doc/adr/0008-charge-recovery.md); and what Paystack says of a
// request now (verify, else fetch), and the close of an unpaid request (verify, archive, check).
// Private to src/flow/.
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

/// How far around a charge's start the lookups look (clock skew, a slow create): 10 minutes.
inline constexpr std::int64_t lookup_window_ms = 10 * 60 * 1000;

/// "2026-11-28T09:12:00.000Z" for a Unix time in ms.
std::string iso8601_utc(std::int64_t ms);

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

/// What Paystack says of a charge's payment request now (check_request).
struct request_check {
  bool answered = false;         ///< Paystack answered: the members below are certain
  bool paid = false;             ///< the request is paid
  bool archived = false;         ///< the request is archived (Verify refuses it; Fetch shows it)
  std::string status;            ///< e.g. "pending", "success"
  boost::system::error_code ec;  ///< when not answered: the transport error or bad_response
  std::string detail;            ///< when not answered: why
};

/// Verify Payment Request (GET /paymentrequest/verify/{code}); when Paystack refuses it with a
/// 4xx (an archived request cannot be verified), Fetch Payment Request
/// (GET /paymentrequest/{code}) says whether it is archived and paid.
boost::asio::awaitable<request_check> check_request(const terminal_client& client,
                                                    std::string request_code);

/// What closing an unpaid request found (close_request).
struct request_close {
  bool paid = false;    ///< the request is paid (before the archive, or racing it)
  bool closed = false;  ///< archived and verified unpaid: it cannot be paid any more
  std::string detail;   ///< when neither: why it may still be payable
};

/// Closes a request that must not stay payable: verifies it once more (paid: nothing archived),
/// archives it (Archive Payment Request), and checks it again (a payment that raced the archive
/// is found). Crash points `failpoints` + "before_archive" / "after_archive".
boost::asio::awaitable<request_close> close_request(const terminal_client& client,
                                                    std::string request_code,
                                                    std::string failpoints = {});

}  // namespace detail
}  // namespace v0
}  // namespace paystack
