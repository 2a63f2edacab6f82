// paystack/error.hpp: the error codes the library reports.
//
// An error_code is set only when no usable reply came back: see doc/adr/0001-error-model.md.
// Any HTTP reply that is Paystack's JSON envelope (including 4xx/5xx and `status:false`) is data,
// delivered in paystack::response<T> with a clear error_code.
#pragma once

#include <boost/system/error_code.hpp>
#include <paystack/export.hpp>
#include <type_traits>

PAYSTACK_API_BEGIN
namespace paystack {
inline namespace v0 {

/// Errors produced by this library. Network, TLS and cancellation errors keep their own
/// categories (boost::asio::error, boost::asio::ssl::error, boost::beast::http::error).
enum class error {
  missing_secret_key = 1,  ///< no secret key in client_options nor in PAYSTACK_SECRET_KEY
  invalid_argument,        ///< refused before anything was sent (see response::error_detail)
  invalid_base_url,        ///< base URL is not a valid http(s) URL
  insecure_transport,      ///< plain http:// to a non-loopback address, no allow_insecure_http
  bad_response,            ///< the reply is not the expected JSON envelope/model (raw body kept)
  response_too_large,      ///< the reply body or headers exceeded the configured caps
  timeout,                 ///< the operation's deadline (or the idle read timeout) passed
  connection_failed,       ///< the connection broke before a complete reply arrived
  tls_failed,              ///< the TLS handshake or certificate verification failed
  too_many_redirects,      ///< reserved: redirects are not followed
  store_failed,            ///< the charge store could not read or write (a write may still have
                           ///< been committed if only its reply was lost: see charge_store)
  store_conflict,          ///< the charge record was changed by another writer (stale version)
  store_too_new,           ///< the charge store was written by a newer schema; refused
};

/// The category of paystack::error ("paystack").
const boost::system::error_category& error_category() noexcept;

/// Makes an error_code in paystack::error_category().
boost::system::error_code make_error_code(error e) noexcept;

}  // namespace v0
}  // namespace paystack
PAYSTACK_API_END

namespace boost::system {
/// Makes paystack::error convert implicitly to boost::system::error_code.
template <>
struct is_error_code_enum<paystack::error> : std::true_type {};
}  // namespace boost::system
