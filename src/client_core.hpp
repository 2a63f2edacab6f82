// The client core: the state behind the five clients (terminal_client, payment_request_client,
// virtual_terminal_client, transaction_client, refund_client: configuration, transport, strand)
// and request building. The layers of a call, one file each:
//   operations.hpp       what each operation sends and how it may be retried (the table)
//   ids.hpp              identifier checks, before anything is sent
//   client_core.hpp      configuration and make_request (the standard headers)      <- here
//   exchange.hpp         attempts, backoff, logging, cancellation, shutdown
//   http/retry.hpp       the retry decision (pure)
//   transport            http/builtin_transport.hpp or the caller's paystack::transport
//   response_mapping.hpp reply -> response<T> (headers, envelope, model)
//   operation.hpp        the typed glue: run_operation<T> completes the caller's handler
#pragma once

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
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

namespace paystack {
inline namespace v0 {
namespace detail {

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

/// Per constructed client; shared by its copies, its with() views and the other clients made from
/// it.
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
  /// Every exchange in flight (strand only): client_handle's destructor stops them all, so that
  /// a call sleeping between attempts ends at once.
  in_flight_list in_flight;
  std::mt19937 rng;  ///< jitter; used on the strand only
  static_assert(std::mt19937::max() == 0xffffffffu, "decide_retry expects 32 random bits");

  explicit core_shared(boost::asio::any_io_executor ex);
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
  /// Content-Type: application/json): the only place they are added, for every transport.
  /// `target` comes from target().
  http_request make_request(http_method method, std::string target, std::string body) const;

  /// A target builder that starts with the base URL's path prefix.
  target_builder target() const { return target_builder(shared_->ep.path_prefix); }

 private:
  std::shared_ptr<core_shared> shared_;
  retry_policy retry_;
  std::chrono::milliseconds timeout_;
};

}  // namespace detail
}  // namespace v0
}  // namespace paystack
