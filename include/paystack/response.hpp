// paystack/response.hpp: what the server said, fully kept.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <paystack/export.hpp>
#include <string>
#include <string_view>

PAYSTACK_API_BEGIN
namespace paystack {
inline namespace v0 {

/// Used as response<empty> by operations whose success reply carries no `data`
/// (update, commission, decommission).
struct empty {};

/// Paging metadata of list replies (`meta` in the envelope), in either of Paystack's two shapes:
/// cursors (`next`, `previous`, `perPage`: terminals, virtual terminals, transactions with
/// `use_cursor`) or page numbers (`total`, `skipped`, `perPage`, `page`, `pageCount`: payment
/// requests, refunds). A cursor that is absent, JSON null, empty or the string "null" is
/// std::nullopt; a field the reply does not carry is std::nullopt.
struct page_meta {
  std::optional<std::string> next;         ///< `meta.next`: pass to the next list call
  std::optional<std::string> previous;     ///< `meta.previous`
  std::optional<std::int64_t> per_page;    ///< `meta.perPage` (or `per_page`)
  std::optional<std::int64_t> total;       ///< `meta.total`: items over all pages
  std::optional<std::int64_t> skipped;     ///< `meta.skipped`: items before this page
  std::optional<std::int64_t> page;        ///< `meta.page`: this page's number, from 1
  std::optional<std::int64_t> page_count;  ///< `meta.pageCount` (or `page_count`)
};

/// The one reader of Paystack's wait headers, used by the retry layer, the rate budget and the
/// charge flow: how long to wait before sending again. `Retry-After` first (whole seconds, or an
/// HTTP date such as "Wed, 21 Oct 2015 07:28:00 GMT"), else `x-ratelimit-reset` (seconds from
/// now, or a Unix time when it is larger than 10^9); a time in the past is a wait of 0.
/// std::nullopt when neither header says (empty, or not a number or a date). Surrounding spaces
/// are ignored.
std::optional<std::chrono::milliseconds> rate_limit_wait(
    std::string_view retry_after, std::string_view ratelimit_reset,
    std::chrono::system_clock::time_point now) noexcept;

/// The response headers that matter to callers. Other headers are not kept.
struct response_headers {
  std::optional<std::int64_t> rate_limit_limit;      ///< `x-ratelimit-limit`
  std::optional<std::int64_t> rate_limit_remaining;  ///< `x-ratelimit-remaining`
  /// `x-ratelimit-reset`: seconds from now, or a Unix time when larger than 10^9 (requested_wait)
  std::optional<std::int64_t> rate_limit_reset;
  std::optional<std::string> retry_after;  ///< `Retry-After`, verbatim (seconds or an HTTP date)
  std::string content_type;                ///< `Content-Type`

  /// How long Paystack asks to wait before sending again (rate_limit_wait over Retry-After and
  /// x-ratelimit-reset); std::nullopt when the reply does not say.
  std::optional<std::chrono::milliseconds> requested_wait(
      std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) const {
    const std::string reset = rate_limit_reset ? std::to_string(*rate_limit_reset) : std::string();
    return rate_limit_wait(retry_after.value_or(std::string()), reset, now);
  }
};

/// A reply of the Paystack API: every part of the envelope, typed `data`, and the raw body.
///
/// Filled as far as the reply allows, also when the operation completed with an error_code:
/// an unparseable reply keeps `status_code`, `headers` and `raw_body`; an argument refused
/// before sending leaves `status_code == 0` and explains itself in `error_detail`.
template <class T>
struct response {
  unsigned status_code = 0;              ///< HTTP status code; 0 when no reply was received
  bool status = false;                   ///< the envelope's `status`
  std::string message;                   ///< the envelope's `message`
  std::optional<T> data;                 ///< typed `data`; set only for ok() replies that carry it
  page_meta meta;                        ///< cursors for lists
  std::optional<std::string> type;       ///< error `type` (validation_error, api_error, ...)
  std::optional<std::string> code;       ///< error `code` (or `data.code`, e.g. INVALID_PUSH_ID)
  std::optional<std::string> next_step;  ///< `meta.nextStep` (or `meta.next_step`)
  response_headers headers;              ///< selected headers
  std::string raw_body;                  ///< the body exactly as received
  std::string error_detail;  ///< the library's own explanation when an error_code was set
  unsigned attempts = 0;     ///< how many HTTP requests this operation sent (retries included)

  /// True only for a 2xx reply whose envelope says `status: true` and whose `data` was read:
  /// when ok(), `*data` is safe. HTTP 200 with `status: false` (e.g. "Device has been
  /// commissioned already") is not ok; neither is a success reply whose `data` is missing or
  /// malformed (that also completes with error::bad_response).
  [[nodiscard]] bool ok() const noexcept {
    return status_code >= 200 && status_code < 300 && status && data.has_value();
  }
};

}  // namespace v0
}  // namespace paystack
PAYSTACK_API_END
