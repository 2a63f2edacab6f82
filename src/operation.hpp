// Typed glue between the public operations and client_core: refuse bad arguments, run the
// exchange, parse the reply into response<T>, complete the caller's handler exactly once.
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
#include <boost/json/monotonic_resource.hpp>
#include <paystack/error.hpp>
#include <paystack/response.hpp>
#include <paystack/terminal_client.hpp>
#include <type_traits>
#include <utility>

#include "client_core.hpp"
#include "json/envelope.hpp"
#include "json/models.hpp"

namespace paystack::detail {

/// Moves the selected headers of a reply into the response.
void copy_headers(http_reply& reply, response_headers& out);

/// Fills the envelope part of a response (everything but data).
template <class T>
void copy_envelope(envelope& env, response<T>& r) {
  r.status = env.status;
  r.message = std::move(env.message);
  r.meta = std::move(env.meta);
  r.type = std::move(env.type);
  r.code = std::move(env.code);
  r.next_step = std::move(env.next_step);
}

/// Models whose `data` is read from a document (bind_data gives shape::document).
template <class T>
concept read_from_document = requires(const boost::json::value& v, T& t, std::string& d) {
  read_model(v, t, d);
};

/// Turns the outcome of an exchange into (error_code, response<T>).
template <class T>
std::pair<boost::system::error_code, response<T>> make_response(exchange_result&& x) {
  std::pair<boost::system::error_code, response<T>> out;  // every return is `out`: no move
  auto& [ec, r] = out;
  r.status_code = x.reply.status_code;
  r.attempts = x.attempts;
  copy_headers(x.reply, r.headers);
  r.raw_body = std::move(x.reply.body);
  if (x.ec) {
    ec = x.ec;
    r.error_detail = std::move(x.reply.error_detail);
    return out;
  }
  // `data` streams straight into the response's model while the body is parsed; the model is
  // dropped again unless the reply is a success that carries it. Only a payment request is kept
  // as a document first: it lives in a stack buffer and nothing outlives this function.
  T& value = r.data.emplace();
  const data_binding binding = bind_data(value);
  unsigned char storage[4096];
  boost::json::monotonic_resource resource(storage, sizeof storage);
  envelope env(&resource);
  ec = parse_envelope(r.raw_body, env, binding, r.error_detail);
  if (!ec) {
    copy_envelope(env, r);
    if (!r.status || r.status_code < 200 || r.status_code >= 300) {
      r.data.reset();
      return out;
    }
    if (!std::is_same_v<T, empty> && !env.has_data) {
      r.error_detail = "successful reply has no \"data\"";
      ec = error::bad_response;
    } else if constexpr (read_from_document<T>) {
      if (!read_model(env.data_document, value, r.error_detail)) ec = error::bad_response;
    } else if (!env.data_error.empty()) {
      r.error_detail = std::move(env.data_error);
      ec = error::bad_response;
    }
  }
  if (ec) r.data.reset();
  return out;
}

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

}  // namespace paystack::detail
