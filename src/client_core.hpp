// The state behind terminal_client and payment_request_client, and the pipeline every
// operation goes through: argument checks -> request -> retry layer (deadline, backoff,
// logging) -> transport -> envelope and model parsing. Cross-cutting concerns live here only.
#pragma once

#include <atomic>
#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/strand.hpp>
#include <boost/intrusive/list.hpp>
#include <chrono>
#include <exception>
#include <memory>
#include <paystack/client_options.hpp>
#include <paystack/transport.hpp>
#include <random>
#include <string>

#include "http/endpoint.hpp"
#include "http/retry.hpp"

namespace paystack::detail {

/// An exchange in flight, as client_handle's destructor sees it (linked while it runs).
struct in_flight_exchange
    : boost::intrusive::list_base_hook<boost::intrusive::link_mode<boost::intrusive::auto_unlink>> {
  /// Cancels the exchange (on the strand).
  virtual void stop(boost::asio::cancellation_type type) = 0;

 protected:
  ~in_flight_exchange() = default;
};
using in_flight_list =
    boost::intrusive::list<in_flight_exchange, boost::intrusive::constant_time_size<false>>;

/// Per constructed client; shared by its copies, with() views and payment_request_client.
struct core_shared {
  boost::asio::any_io_executor executor;
  /// Serialises the client's state. A strand over the concrete executor when the client's is an
  /// io_context's or a thread_pool's: it fits in any_io_executor's small buffer, so the many
  /// executor copies per call do not allocate (doc/performance.md).
  boost::asio::any_io_executor strand;
  std::shared_ptr<paystack::transport> transport;
  bool owns_transport = false;
  endpoint ep;
  std::string base_url;
  std::string authorization;  ///< "Bearer <key>": goes into requests only, never logged
  std::string user_agent;
  boost::system::error_code config_error;
  std::string config_detail;
  std::function<void(const log_record&)> logger;
  std::shared_ptr<time_source> time;  ///< deadlines and backoff sleeps
  /// The built-in transport adds Authorization, User-Agent and Accept itself (rendered once):
  /// make_request leaves them out. A custom transport gets them in every http_request.
  bool transport_adds_headers = false;
  /// Every exchange in flight (strand only): client_handle's destructor stops them all, so that
  /// a call sleeping between attempts ends at once.
  in_flight_list in_flight;
  std::mt19937 rng;  ///< jitter; used on the strand only
  static_assert(std::mt19937::max() == 0xffffffffu, "decide_retry expects 32 random bits");

  explicit core_shared(boost::asio::any_io_executor ex);
};

/// The outcome of a call after retries, before parsing.
struct exchange_result {
  boost::system::error_code ec;
  http_reply reply;
  unsigned attempts = 0;
};

class client_core {
 public:
  client_core(std::shared_ptr<core_shared> shared, retry_policy retry,
              std::chrono::milliseconds timeout)
      : shared_(std::move(shared)), retry_(retry), timeout_(timeout) {}

  /// Resolves options (environment, URL, key), builds the transport.
  static std::shared_ptr<client_core> create(boost::asio::any_io_executor ex,
                                             client_options options);

  core_shared& shared() const noexcept { return *shared_; }
  const std::shared_ptr<core_shared>& shared_ptr() const noexcept { return shared_; }
  const retry_policy& retry() const noexcept { return retry_; }
  std::chrono::milliseconds timeout() const noexcept { return timeout_; }

  /// A request with the standard headers (Authorization, User-Agent, Accept and, with a body,
  /// Content-Type: application/json). `target` comes from target().
  http_request make_request(http_method method, std::string target, std::string body) const;

  /// A target builder that starts with the base URL's path prefix.
  target_builder target() const { return target_builder(shared_->ep.path_prefix); }

 private:
  std::shared_ptr<core_shared> shared_;
  retry_policy retry_;
  std::chrono::milliseconds timeout_;
};

/// One operation through the retry layer (client_core.cpp): attempt, decide, sleep, attempt
/// again. Runs on the client's strand; each step is a completion handler (no coroutine frame).
/// Cancellation (the caller's slot, or the last client handle going away) goes through one
/// signal bound to whatever is pending: the transport call or the backoff sleep. The typed part
/// (operation.hpp) derives from it, holds the caller's handler and turns the outcome into
/// response<T>: one allocation per operation for both.
class exchange_op : public in_flight_exchange, public std::enable_shared_from_this<exchange_op> {
 public:
  exchange_op(const client_core& core, http_request request, retry_class cls);
  virtual ~exchange_op() = default;
  exchange_op(const exchange_op&) = delete;
  exchange_op& operator=(const exchange_op&) = delete;

  /// Starts `op` (from any thread); `caller_slot` (may be unconnected) cancels it.
  static void start(std::shared_ptr<exchange_op> op, boost::asio::cancellation_slot caller_slot);

  void stop(boost::asio::cancellation_type type) override;

 protected:
  /// Called once, on the strand, with the final attempt's outcome: completes the caller's
  /// handler through its executor. The caller's slot is still assigned; clear it there.
  virtual void deliver(exchange_result&& result, boost::asio::cancellation_slot caller_slot) = 0;
  const core_shared& shared() const noexcept { return *shared_; }

 private:
  void begin();
  void attempt();
  void on_reply(boost::system::error_code ec, http_reply reply);
  void on_slept(boost::system::error_code ec);
  void finish(boost::system::error_code ec);

  std::shared_ptr<core_shared> shared_;
  http_request request_;
  retry_class cls_;
  retry_policy policy_;
  std::chrono::milliseconds timeout_;
  boost::asio::cancellation_slot caller_slot_;
  boost::asio::cancellation_signal stop_;
  std::chrono::steady_clock::time_point deadline_;
  std::chrono::steady_clock::time_point t0_;
  unsigned attempt_ = 0;
  bool cancelled_ = false;
  std::atomic<bool> cancel_requested_{false};  ///< set from the caller's slot, any thread
  bool done_ = false;
  http_reply reply_;  ///< the last attempt's reply
};

/// Lifetime token of the public handles: the last one to go shuts the built-in transport.
struct client_handle {
  std::shared_ptr<core_shared> shared;
  explicit client_handle(std::shared_ptr<core_shared> s) : shared(std::move(s)) {}
  ~client_handle();
  client_handle(const client_handle&) = delete;
  client_handle& operator=(const client_handle&) = delete;
};

}  // namespace paystack::detail
