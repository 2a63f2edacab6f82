// Typed glue between the public operations and the layers below: refuse a misconfigured client,
// run the exchange (exchange.hpp), map the reply into response<T> (response_mapping.hpp) on the
// handler's executor, complete the caller's handler exactly once.
#pragma once

#include <boost/asio/append.hpp>
#include <boost/asio/associated_allocator.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/bind_allocator.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <paystack/error.hpp>
#include <paystack/response.hpp>
#include <paystack/terminal_client.hpp>
#include <utility>

#include "client_core.hpp"
#include "exchange.hpp"
#include "response_mapping.hpp"

namespace paystack {
inline namespace v0 {
namespace detail {

/// Completes `handler` without sending anything (refused argument, configuration error).
template <class T>
void complete_now(const client_core& core, any_handler<T> handler, boost::system::error_code ec,
                  std::string detail) {
  response<T> r;
  r.error_detail = std::move(detail);
  auto ex = core.shared().executor;
  boost::asio::post(ex, boost::asio::append(std::move(handler), ec, std::move(r)));
}

/// True (and completes the handler) when the client is misconfigured.
template <class T>
bool refuse_if_misconfigured(const client_core& core, any_handler<T>& handler) {
  const auto& s = core.shared();
  if (!s.config_error) return false;
  complete_now<T>(core, std::move(handler), s.config_error, s.config_detail);
  return true;
}

/// The typed end of an exchange: holds the caller's handler and completes it with response<T>.
template <class T>
class typed_exchange final : public exchange_op {
 public:
  typed_exchange(const client_core& core, http_request request, retry_class cls,
                 any_handler<T> handler)
      : exchange_op(core, std::move(request), cls), handler_(std::move(handler)) {}

 private:
  void deliver(exchange_result&& x, boost::asio::cancellation_slot caller_slot) override {
    // The reply is parsed on the handler's executor, not on the client's strand, so that
    // parsing runs in parallel on a multi-threaded context. A concrete io_context executor as
    // the candidate fits the type-erased executor's small buffer (no allocation per call).
    const auto& fallback = shared().executor;
    const auto* io = fallback.template target<boost::asio::io_context::executor_type>();
    auto ex = io ? boost::asio::get_associated_executor(handler_, *io)
                 : boost::asio::get_associated_executor(handler_, fallback);
    boost::asio::dispatch(ex, [h = std::move(handler_), caller_slot, x = std::move(x)]() mutable {
      if (caller_slot.is_connected()) caller_slot.clear();
      auto [ec, r] = make_response<T>(std::move(x));
      std::move(h)(ec, std::move(r));
    });
  }

  any_handler<T> handler_;
};

/// Runs `request` and completes `handler` with the parsed response<T>.
template <class T>
void run_operation(const client_core& core, http_request request, retry_class cls,
                   any_handler<T> handler) {
  auto slot = boost::asio::get_associated_cancellation_slot(handler);
  exchange_op::start(
      std::make_shared<typed_exchange<T>>(core, std::move(request), cls, std::move(handler)), slot);
}

}  // namespace detail
}  // namespace v0
}  // namespace paystack
