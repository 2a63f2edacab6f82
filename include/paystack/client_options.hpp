// paystack/client_options.hpp: how a client is configured.
#pragma once

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <paystack/export.hpp>
#include <paystack/rate_budget.hpp>
#include <string>
#include <string_view>

PAYSTACK_API_BEGIN
namespace paystack {
inline namespace v0 {

class transport;

/// When and how an operation that may be repeated is retried. Which operations may be repeated
/// is decided by the library, per operation (see doc/adr/0004-retries.md): reads and Update
/// Terminal are retried on connection failures, timeouts before any byte of the reply, 429 and
/// 5xx; POSTs that act on a device or create a payment request are retried only when the
/// request certainly never left the client. The operation's total timeout bounds every retry.
struct retry_policy {
  /// Total attempts, the first included. 1 disables retries.
  unsigned max_attempts = 3;
  /// Backoff before the second attempt; doubles (backoff_multiplier) up to max_backoff.
  std::chrono::milliseconds initial_backoff{200};
  /// Longest backoff between two attempts.
  std::chrono::milliseconds max_backoff{5000};
  /// Factor applied to the backoff after each attempt.
  double backoff_multiplier = 2.0;
  /// Full jitter: wait a uniformly random time in [0, backoff].
  bool jitter = true;
  /// A 429/5xx whose Retry-After or x-ratelimit-reset asks for a longer wait than this is not
  /// retried: the reply is returned to the caller.
  std::chrono::milliseconds max_server_delay{30000};
};

/// Time as the retry layer sees it: the clock that sets an operation's deadline and the sleep
/// between attempts. The default (make_steady_time_source) is std::chrono::steady_clock and an
/// asio::steady_timer. Tests inject their own so that backoff and Retry-After waits take no
/// real time (see tests/unit/retry_test.cpp).
///
/// The deadline handed to the transport is on this clock: a time source used with the built-in
/// transport must stay on steady_clock's scale (for example, real time plus the time it skipped).
/// Thread safety: called on the client's strand only.
class time_source {
 public:
  /// Completion handler of async_sleep.
  using sleep_handler = boost::asio::any_completion_handler<void(boost::system::error_code)>;
  virtual ~time_source() = default;
  /// The current time on the clock the deadlines use.
  virtual std::chrono::steady_clock::time_point now() = 0;
  /// Completes `handler` after `duration` with a clear error_code, or with
  /// boost::asio::error::operation_aborted when the handler's cancellation slot fires first.
  /// `executor` (the client's strand) runs the wait; completion goes through the handler's
  /// associated executor.
  virtual void async_sleep(boost::asio::any_io_executor executor,
                           std::chrono::milliseconds duration, sleep_handler handler) = 0;
};

/// The default time source: std::chrono::steady_clock and a steady_timer.
std::shared_ptr<time_source> make_steady_time_source();

/// What a log_record reports.
enum class log_kind {
  attempt,  ///< one HTTP attempt: method, path, status_code, attempt, elapsed, error, will_retry
  /// A security check weakened by configuration, reported once per constructed client (copies
  /// and with() views share it), before any attempt: `message` says which. Two exist:
  /// allow_insecure_http used for a non-loopback host, and a replaced TLS trust store
  /// (client_options::ca_file, or the SSL_CERT_FILE / SSL_CERT_DIR environment variables that
  /// OpenSSL reads instead of the system store). Not reported for a client whose configuration
  /// is invalid.
  warning,
};

/// Given to client_options::logger: one record per HTTP attempt, and a warning for each
/// weakened security check. Never holds the secret key, the Authorization header or bodies.
struct log_record {
  std::string_view method;               ///< "GET", "POST", "PUT"
  std::string_view path;                 ///< the request target (no host)
  unsigned status_code = 0;              ///< 0 when no reply
  unsigned attempt = 1;                  ///< 1 for the first attempt
  std::chrono::microseconds elapsed{0};  ///< time of this attempt
  boost::system::error_code error;       ///< transport error, if any
  bool will_retry = false;               ///< the retry layer will try again
  log_kind kind = log_kind::attempt;     ///< warning: only `message` is set
  std::string_view message;              ///< warning: what was weakened (plain text)
  std::string_view operation;            ///< attempt: e.g. "send_event" (the operations table)
};

/// Configuration of terminal_client (and payment_request_client).
struct client_options {
  /// Paystack secret key (`sk_test_…` / `sk_live_…`). Empty: read PAYSTACK_SECRET_KEY.
  /// Never logged, never part of an error message.
  std::string secret_key;

  /// Base URL. Empty: read PAYSTACK_BASE_URL, else https://api.paystack.co.
  /// A path prefix is kept ("http://127.0.0.1:8080/v1" sends "/v1/terminal/...").
  /// http:// is accepted for loopback addresses only (an IP literal in 127.0.0.0/8 or [::1];
  /// a name never counts as loopback, "localhost" included), unless allow_insecure_http is set.
  /// The path must be empty or start with '/'.
  std::string base_url;

  /// Time allowed to resolve, connect and finish the TLS handshake, per attempt.
  std::chrono::milliseconds connect_timeout{10'000};
  /// Deadline of a whole operation, retries and backoff included.
  std::chrono::milliseconds timeout{30'000};
  /// A reply that sends nothing for this long fails with error::timeout (a server trickling
  /// bytes slowly still cannot hold a call past `timeout`).
  std::chrono::milliseconds idle_read_timeout{10'000};

  /// Appended to the User-Agent ("paystack-cpp/0.1.0 <suffix>").
  std::string user_agent_suffix;

  /// Upper bound of open connections to the API host; further calls wait for one.
  std::size_t max_connections_per_host = 16;
  /// Reply bodies larger than this fail with error::response_too_large.
  std::size_t max_response_bytes = 4 * 1024 * 1024;
  /// Reply header blocks larger than this fail with error::response_too_large.
  std::size_t max_header_bytes = 16 * 1024;

  /// Retries of operations that may be repeated (see retry_policy); call_options overrides it per
  /// call.
  retry_policy retry;

  /// Allow plain http:// to non-loopback hosts. Off: such base URLs fail with
  /// error::insecure_transport. Do not turn on against Paystack. When it lets a base URL
  /// through, the logger gets one log_kind::warning.
  bool allow_insecure_http = false;

  /// PEM file of trusted CA certificates used instead of the system store (e.g. a corporate
  /// TLS-inspecting proxy, or a test CA). Peer and host name verification stay on. Empty: the
  /// system store, or what SSL_CERT_FILE / SSL_CERT_DIR name. A replaced store (either way)
  /// gives the logger one log_kind::warning.
  std::string ca_file;

  /// Called once per HTTP attempt and once per warning (log_kind), on the client's strand.
  /// Off when empty.
  std::function<void(const log_record&)> logger;

  /// The test seam: a transport to use instead of the built-in Beast one.
  std::shared_ptr<paystack::transport> transport;

  /// The retry layer's clock and sleep. Null: make_steady_time_source().
  std::shared_ptr<paystack::time_source> time;

  /// Asked for a token before each HTTP attempt (paystack/rate_budget.hpp, doc/fleet.md): this
  /// process's (make_local_rate_budget) or a fleet's (charge_store::shared_rate_budget). While it
  /// says wait, the call waits within its deadline; past it the call gets a 429 built by the
  /// client (nothing sent), handled as Paystack's. Null: no budget.
  std::shared_ptr<paystack::rate_budget> rate_budget;
  /// The priority of every call of this client (e.g. housekeeping for a reconciler), instead of
  /// classify_request's per request.
  std::optional<call_priority> rate_priority;
};

/// Per-call overrides, see terminal_client::with.
struct call_options {
  /// Replaces client_options::retry for this call.
  std::optional<retry_policy> retry;
  /// Replaces the operation's total timeout for this call.
  std::optional<std::chrono::milliseconds> timeout;
};

}  // namespace v0
}  // namespace paystack
PAYSTACK_API_END
