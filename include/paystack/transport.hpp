// paystack/transport.hpp: the one test seam. The client turns every operation into an
// http_request and hands it to a transport; the default transport is Beast over TCP/TLS with a
// connection pool. Tests (and applications) can supply their own.
#pragma once

#include <boost/asio/any_completion_handler.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <paystack/export.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

PAYSTACK_API_BEGIN
namespace paystack {
inline namespace v0 {

// `delete` is a keyword: the enumerator is `delete_`.
enum class http_method { get, post, put, delete_ };  // NOLINT(readability-identifier-naming)

/// "GET", "POST", "PUT", "DELETE".
std::string_view to_string(http_method m) noexcept;

/// A fully built request: the target is already percent-encoded (path and query).
struct http_request {
  /// The HTTP method.
  http_method method = http_method::get;
  std::string target;  ///< e.g. "/terminal/2872S934/event"; base URL path prefix included
  std::vector<std::pair<std::string, std::string>> headers;  ///< Authorization included
  std::string body;                                          ///< empty for GET
  /// The operation's name in the operations table ("send_event", "fetch_terminal", ...; static
  /// storage), for metrics, logs and traces; empty for a request the library did not build.
  std::string_view operation;

  /// The value of a header (case-insensitive name), or an empty view.
  std::string_view header(std::string_view name) const noexcept;
};

/// What came back. When the transport completes with an error, `request_sent` and
/// `reply_started` say how far the exchange got, so the retry layer can tell whether repeating
/// it is safe.
struct http_reply {
  /// HTTP status code (0 when no reply arrived).
  unsigned status_code = 0;
  /// The built-in transport keeps only the headers the library reads: Content-Type,
  /// Retry-After and x-ratelimit-*.
  std::vector<std::pair<std::string, std::string>> headers;
  /// The reply body, as received.
  std::string body;
  bool request_sent = false;   ///< some byte of the request may have reached the server
  bool reply_started = false;  ///< some byte of the reply arrived
  std::string error_detail;    ///< human-readable cause when the transport failed

  /// The value of a header (case-insensitive name), or an empty view.
  std::string_view header(std::string_view name) const noexcept;
};

/// The transport interface.
///
/// async_send must complete exactly once, through the handler's associated executor, and must
/// honour the handler's cancellation slot (completing with boost::asio::error::operation_aborted)
/// and the deadline (completing with paystack::error::timeout). It may be called concurrently.
class transport {
 public:
  /// Completion handler of async_send.
  using handler_type =
      boost::asio::any_completion_handler<void(boost::system::error_code, http_reply)>;
  /// The clock of the deadline given to async_send.
  using clock = std::chrono::steady_clock;

  virtual ~transport() = default;

  /// Sends `request` and reads the reply, within `deadline`. `request` stays valid until the
  /// handler has been called.
  virtual void async_send(const http_request& request, clock::time_point deadline,
                          handler_type handler) = 0;

  /// Cancels everything in flight and closes idle connections. Must be idempotent. The library
  /// calls it for the built-in transport when the last client handle using it is destroyed. A
  /// transport you pass in client_options::transport may serve several clients, so the library
  /// never calls it: call it yourself when no client uses the transport any more.
  virtual void shutdown() noexcept {}
};

}  // namespace v0
}  // namespace paystack
PAYSTACK_API_END
