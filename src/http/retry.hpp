// The retry table and the retry decision: the one place that says whether an attempt is
// repeated and after how long. Pure functions, so every branch is unit-tested without waiting.
#pragma once

#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <paystack/client_options.hpp>
#include <paystack/transport.hpp>
#include <string_view>

namespace paystack {
inline namespace v0 {
namespace detail {

/// How an operation may be repeated (doc/adr/0004-retries.md).
enum class retry_class {
  /// Reads and Update Terminal (PUT of absolute values): retried on connection failures,
  /// timeouts before any byte of the reply, 429 and 5xx.
  idempotent,
  /// POSTs that act on a device or create a payment request: retried only when the request
  /// certainly never left the client (resolve, connect, a handshake timeout, or no free
  /// connection; a failed TLS verification is never retried).
  unsafe,
};

struct retry_decision {
  bool retry = false;
  std::chrono::milliseconds delay{0};
};

/// A header value that is a whole decimal integer, nothing around it (x-ratelimit-*); std::nullopt
/// otherwise.
std::optional<std::int64_t> header_integer(std::string_view value) noexcept;

/// The one reader of the wait headers (public as paystack::rate_limit_wait, response.hpp):
/// Retry-After (seconds or an HTTP date), else x-ratelimit-reset (seconds, or a Unix time when
/// larger than 10^9); at most a day; std::nullopt when neither says.
std::optional<std::chrono::milliseconds> wait_headers(
    std::string_view retry_after, std::string_view ratelimit_reset,
    std::chrono::system_clock::time_point now) noexcept;

/// The wait a reply asks for (wait_headers): Retry-After (seconds or HTTP date) or
/// x-ratelimit-reset (seconds from now, or a Unix time when it is larger than 10^9).
std::optional<std::chrono::milliseconds> server_requested_delay(
    const http_reply& reply, std::chrono::system_clock::time_point now);

/// Decides whether attempt number `attempt` (1-based), which ended with `ec`/`reply`, is
/// followed by another. `random` is a uniformly random 32-bit value (jitter).
retry_decision decide_retry(retry_class cls, const retry_policy& policy, unsigned attempt,
                            const boost::system::error_code& ec, const http_reply& reply,
                            std::chrono::steady_clock::time_point now,
                            std::chrono::steady_clock::time_point deadline,
                            std::chrono::system_clock::time_point wall_now, std::uint32_t random);

}  // namespace detail
}  // namespace v0
}  // namespace paystack
