#pragma once
// Wire helpers of paystack-sim: the HTTP request and response the engine sees, the answer
// envelopes (success, the documented error envelope, the bare Terminal-sample errors), request
// bodies read into JSON, and small JSON conversions. Every route file builds its answers here.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace paystack::sim::detail {

/// What the transport layer read.
struct http_request {
  std::string method;  ///< upper case, e.g. "GET"
  std::string target;  ///< origin form: path and query
  std::string authorization;
  std::string content_type;
  std::string body;
};

/// What the transport layer writes (it adds Content-Length, Connection, Date...).
struct http_response {
  unsigned status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  /// The body is the first frame of a server-sent event stream (GET /_sim/ui/stream): the socket
  /// server sends no Content-Length and keeps sending engine::ui_frame() as it changes until the
  /// client leaves or the server stops; process_raw() sends the first frame as a whole body.
  bool event_stream = false;
};

/// Serialises an answer. Never emits ill-formed UTF-8, whatever got into the state.
std::string to_json(const boost::json::value& v);
/// A JSON answer with `status`.
http_response make_json(unsigned status, const boost::json::value& v);
/// `{status: true, message}` and `{status: true, message, data}`.
http_response ok(std::string_view message);
http_response ok(std::string_view message, boost::json::value data);
/// The documented error envelope: status, message, meta.nextStep, type, code.
http_response fail(unsigned status, std::string_view message, std::string_view next_step,
                   std::string_view type, std::string_view code);
/// The bare `{status:false, message}` bodies of the Terminal samples.
http_response fail_plain(unsigned status, std::string_view message);
/// 400 `"<field>" is required` (code missing_params).
http_response missing(std::string_view field);
/// 400 with `message` (code invalid_params).
http_response invalid(std::string message);
/// 404 with `message` (code not_found).
http_response not_found(std::string_view message);
/// 429 "Rate limit exceeded!" (code rate_limited).
http_response rate_limited();

/// The page size of a list query (`perPage`, or `per_page`), capped at `max` into `per_page`
/// (left alone when absent); a 400 when it is not a positive integer.
std::optional<http_response> read_per_page(std::string_view query, std::int64_t max,
                                           std::int64_t& per_page);

/// An integer from a JSON number or a decimal string (Paystack accepts both).
std::optional<std::int64_t> to_int(const boost::json::value& v);
/// A string from a JSON string or an integer (references are sent both ways).
std::optional<std::string> to_str(const boost::json::value& v);
/// The member `key` of `o`, or null.
const boost::json::value* member(const boost::json::object& o, std::string_view key);
/// Parses a JSON (or form-encoded) body into an object. Empty body: empty object. Returns the
/// 400 answer when the body is neither.
std::optional<http_response> parse_body(const http_request& req, boost::json::object& out);

/// The paging parameters of a cursor-paged list: `perPage` (or `per_page`) and at most one of
/// the cursors `next` / `previous` (absent, empty or "null": none), each the base64 of the
/// list's own prefix followed by an id.
struct cursor_page {
  std::int64_t per_page = 50;
  std::optional<std::int64_t> next;
  std::optional<std::int64_t> previous;
};
/// Reads them from `query` (perPage capped at `max_per_page`); the 400 answer when one is bad.
std::optional<http_response> read_cursor_page(std::string_view query, std::int64_t max_per_page,
                                              std::string_view next_prefix,
                                              std::string_view previous_prefix, cursor_page& out);
/// Reads the page number of a list query, `page` (from 1; 1 when absent; at most 10^9). Returns
/// the 400 answer when it is not a positive integer.
std::optional<http_response> read_page_number(std::string_view query, std::int64_t& out);

/// The path and the query of an origin-form target.
std::string_view path_of(std::string_view target);
std::string_view query_of(std::string_view target);

}  // namespace paystack::sim::detail
