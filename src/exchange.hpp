// The exchange: one operation's attempts through the transport, the backoff sleeps between
// them (decided by http/retry.hpp), one log_record per attempt, cancellation (the caller's slot
// or the last client handle going away) and the shutdown of the built-in transport.
#pragma once

#include <atomic>
#include <boost/asio/cancellation_signal.hpp>
#include <chrono>
#include <memory>
#include <paystack/tracing.hpp>
#include <paystack/transport.hpp>

#include "client_core.hpp"
#include "http/retry.hpp"

namespace paystack {
inline namespace v0 {
namespace detail {

/// The outcome of a call after retries, before parsing.
struct exchange_result {
  boost::system::error_code ec;
  http_reply reply;
  unsigned attempts = 0;
};

/// One operation through the retry layer (exchange.cpp): attempt, decide, sleep, attempt
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
  http_reply reply_;                     ///< the last attempt's reply
  std::unique_ptr<tracing::span> span_;  ///< the attempt's, when a tracer is set
};

/// Lifetime token of the public handles: the last one to go stops the exchanges in flight and
/// shuts the built-in transport.
struct client_handle {
  std::shared_ptr<core_shared> shared;
  explicit client_handle(std::shared_ptr<core_shared> s) : shared(std::move(s)) {}
  ~client_handle();
  client_handle(const client_handle&) = delete;
  client_handle& operator=(const client_handle&) = delete;
};

}  // namespace detail
}  // namespace v0
}  // namespace paystack
