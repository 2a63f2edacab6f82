#include "response_mapping.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <paystack/error.hpp>
#include <type_traits>

#include "http/retry.hpp"
#include "json/envelope.hpp"
#include "json/models.hpp"

namespace paystack {
inline namespace v0 {
namespace detail {
namespace {

void copy_int_header(std::string_view v, std::optional<std::int64_t>& out) {
  if (auto i = header_integer(v)) out = i;
}

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

}  // namespace

void copy_headers(http_reply& reply, response_headers& out) {
  // One pass; the first of a repeated header counts, as http_reply::header() would say.
  bool limit = false, remaining = false, reset = false, retry = false, type = false;
  for (auto& header : reply.headers) {
    const std::string& name = header.first;
    std::string& value = header.second;
    const auto is = [&](std::string_view n, bool& seen) {
      if (seen || !boost::beast::iequals(name, n)) return false;
      return seen = true;
    };
    if (is("content-type", type)) {
      out.content_type = std::move(value);
    } else if (is("retry-after", retry)) {
      if (!value.empty()) out.retry_after = std::move(value);
    } else if (is("x-ratelimit-limit", limit)) {
      copy_int_header(value, out.rate_limit_limit);
    } else if (is("x-ratelimit-remaining", remaining)) {
      copy_int_header(value, out.rate_limit_remaining);
    } else if (is("x-ratelimit-reset", reset)) {
      copy_int_header(value, out.rate_limit_reset);
    }
  }
}

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
  // dropped again unless the reply is a success that carries it. Payment requests, Virtual
  // Terminals, transactions and refunds are kept as a document first: it lives in a stack buffer
  // (beyond it, on the heap) and nothing outlives this function.
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

template std::pair<boost::system::error_code, response<empty>> make_response<empty>(
    exchange_result&&);
template std::pair<boost::system::error_code, response<terminal>> make_response<terminal>(
    exchange_result&&);
template std::pair<boost::system::error_code, response<std::vector<terminal>>>
make_response<std::vector<terminal>>(exchange_result&&);
template std::pair<boost::system::error_code, response<terminal_status>>
make_response<terminal_status>(exchange_result&&);
template std::pair<boost::system::error_code, response<event_status>> make_response<event_status>(
    exchange_result&&);
template std::pair<boost::system::error_code, response<event_ack>> make_response<event_ack>(
    exchange_result&&);
template std::pair<boost::system::error_code, response<payment_request>>
make_response<payment_request>(exchange_result&&);
template std::pair<boost::system::error_code, response<std::vector<payment_request>>>
make_response<std::vector<payment_request>>(exchange_result&&);
template std::pair<boost::system::error_code, response<payment_request_totals>>
make_response<payment_request_totals>(exchange_result&&);
template std::pair<boost::system::error_code, response<virtual_terminal>>
make_response<virtual_terminal>(exchange_result&&);
template std::pair<boost::system::error_code, response<std::vector<virtual_terminal>>>
make_response<std::vector<virtual_terminal>>(exchange_result&&);
template std::pair<boost::system::error_code, response<std::vector<virtual_terminal_destination>>>
make_response<std::vector<virtual_terminal_destination>>(exchange_result&&);
template std::pair<boost::system::error_code, response<split_code_info>>
make_response<split_code_info>(exchange_result&&);
template std::pair<boost::system::error_code, response<transaction>> make_response<transaction>(
    exchange_result&&);
template std::pair<boost::system::error_code, response<std::vector<transaction>>>
make_response<std::vector<transaction>>(exchange_result&&);
template std::pair<boost::system::error_code, response<transaction_totals>>
make_response<transaction_totals>(exchange_result&&);
template std::pair<boost::system::error_code, response<refund>> make_response<refund>(
    exchange_result&&);
template std::pair<boost::system::error_code, response<std::vector<refund>>>
make_response<std::vector<refund>>(exchange_result&&);
template std::pair<boost::system::error_code, response<std::vector<settlement>>>
make_response<std::vector<settlement>>(exchange_result&&);
template std::pair<boost::system::error_code, response<transaction_export>>
make_response<transaction_export>(exchange_result&&);
template std::pair<boost::system::error_code, response<transaction_timeline>>
make_response<transaction_timeline>(exchange_result&&);

}  // namespace detail

std::optional<std::chrono::milliseconds> rate_limit_wait(
    std::string_view retry_after, std::string_view ratelimit_reset,
    std::chrono::system_clock::time_point now) noexcept {
  return detail::wait_headers(retry_after, ratelimit_reset, now);
}
}  // namespace v0
}  // namespace paystack
