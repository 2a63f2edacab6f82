// paystack/detail/initiate.hpp: how the public async_* members reach the compiled library. Not
// part of the API, except the aliases paystack::completion_signature and paystack::any_handler,
// which are (reached through <paystack/terminal_client.hpp>).
#pragma once

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/system/error_code.hpp>
#include <memory>
#include <paystack/export.hpp>
#include <paystack/response.hpp>
#include <utility>

PAYSTACK_API_BEGIN
namespace paystack {
inline namespace v0 {

/// The completion signature of an operation whose `data` is T.
template <class T>
using completion_signature = void(boost::system::error_code, response<T>);

/// The type-erased handler the compiled part of the library receives.
template <class T>
using any_handler = boost::asio::any_completion_handler<completion_signature<T>>;

namespace detail {

class client_core;
struct client_handle;

/// Wraps a compiled start_* function as an Asio initiating function.
template <class T, class Start, class CompletionToken, class... Args>
auto initiate(const std::shared_ptr<client_core>& core, Start start, CompletionToken&& token,
              Args&&... args) {
  return boost::asio::async_initiate<CompletionToken, completion_signature<T>>(
      [core, start](auto handler, auto... a) {
        start(core, std::move(a)..., any_handler<T>(std::move(handler)));
      },
      token, std::forward<Args>(args)...);
}

}  // namespace detail
}  // namespace v0
}  // namespace paystack
PAYSTACK_API_END
