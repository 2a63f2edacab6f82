#include "http/retry.hpp"

#include <algorithm>
#include <boost/asio/error.hpp>
#include <charconv>
#include <cmath>
#include <ctime>
#include <paystack/error.hpp>
#include <string>

namespace paystack {
inline namespace v0 {
namespace detail {
namespace {

std::optional<std::int64_t> parse_int(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return header_integer(s);
}

// RFC 7231 IMF-fixdate, e.g. "Wed, 21 Oct 2015 07:28:00 GMT".
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view s) {
  std::tm tm{};
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  std::string str(s);
  const char* end = ::strptime(str.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (!end || *end != '\0') return std::nullopt;
  return std::chrono::system_clock::from_time_t(::timegm(&tm));
}

bool is_transient_status(unsigned status) {
  return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

}  // namespace

std::optional<std::int64_t> header_integer(std::string_view value) noexcept {
  std::int64_t v = 0;
  auto [p, e] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (value.empty() || e != std::errc{} || p != value.data() + value.size()) return std::nullopt;
  return v;
}

std::optional<std::chrono::milliseconds> wait_headers(
    std::string_view retry_after, std::string_view ratelimit_reset,
    std::chrono::system_clock::time_point now) noexcept {
  using namespace std::chrono;
  try {
    if (!retry_after.empty()) {
      if (auto secs = parse_int(retry_after))
        return milliseconds(std::clamp<std::int64_t>(*secs, 0, 86'400) * 1000);
      if (auto when = parse_http_date(retry_after))
        return std::max(duration_cast<milliseconds>(*when - now), milliseconds(0));
    }
    if (auto v = parse_int(ratelimit_reset)) {
      if (*v > 1'000'000'000) {
        auto when = system_clock::time_point(seconds(*v));
        return std::max(duration_cast<milliseconds>(when - now), milliseconds(0));
      }
      return milliseconds(std::clamp<std::int64_t>(*v, 0, 86'400) * 1000);
    }
  } catch (...) {  // std::string's allocation in parse_http_date
  }
  return std::nullopt;
}

std::optional<std::chrono::milliseconds> server_requested_delay(
    const http_reply& reply, std::chrono::system_clock::time_point now) {
  return wait_headers(reply.header("retry-after"), reply.header("x-ratelimit-reset"), now);
}

retry_decision decide_retry(retry_class cls, const retry_policy& policy, unsigned attempt,
                            const boost::system::error_code& ec, const http_reply& reply,
                            std::chrono::steady_clock::time_point now,
                            std::chrono::steady_clock::time_point deadline,
                            std::chrono::system_clock::time_point wall_now, std::uint32_t random) {
  using namespace std::chrono;
  retry_decision no;
  if (attempt >= policy.max_attempts) return no;
  if (ec == boost::asio::error::operation_aborted) return no;

  bool retryable = false;
  std::optional<milliseconds> asked;
  if (ec) {
    // Errors that a new attempt cannot fix.
    if (ec == error::tls_failed || ec == error::response_too_large || ec == error::bad_response ||
        ec == error::invalid_argument || ec == error::missing_secret_key ||
        ec == error::invalid_base_url || ec == error::insecure_transport)
      return no;
    if (!reply.request_sent) {
      retryable = true;  // nothing left the client: safe for every operation
    } else if (cls == retry_class::idempotent) {
      // A timeout after the reply started means a slow server, not a lost request.
      retryable = !(ec == error::timeout && reply.reply_started);
    }
  } else if (cls == retry_class::idempotent && is_transient_status(reply.status_code)) {
    retryable = true;
    asked = server_requested_delay(reply, wall_now);
    if (asked && *asked > policy.max_server_delay) return no;
  }
  if (!retryable) return no;

  milliseconds delay;
  if (asked) {
    delay = *asked;
  } else {
    double backoff = static_cast<double>(policy.initial_backoff.count()) *
                     std::pow(policy.backoff_multiplier, static_cast<double>(attempt - 1));
    backoff = std::min(backoff, static_cast<double>(policy.max_backoff.count()));
    if (policy.jitter) backoff *= static_cast<double>(random) / 4294967295.0;
    delay = milliseconds(static_cast<std::int64_t>(backoff));
  }
  if (now + delay >= deadline) return no;
  return {true, delay};
}

}  // namespace detail

}  // namespace v0
}  // namespace paystack
