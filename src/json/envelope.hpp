// Paystack's response envelope: {status, message, data, meta, type, code}.
#pragma once

#include <boost/json/value.hpp>
#include <boost/system/error_code.hpp>
#include <optional>
#include <paystack/response.hpp>
#include <string>
#include <string_view>

namespace paystack::detail {

struct envelope {
  /// `storage` holds the parsed document.
  explicit envelope(boost::json::storage_ptr storage = {}) : document(std::move(storage)) {}

  bool status = false;
  std::string message;
  page_meta meta;
  std::optional<std::string> type;
  std::optional<std::string> code;
  std::optional<std::string> next_step;
  boost::json::value document;               ///< the whole parsed body
  const boost::json::value* data = nullptr;  ///< `data` inside document, if present and not null
};

/// Parses the envelope. error::bad_response (with `detail`) when the body is not JSON, not an
/// object, or has no boolean `status`. Cursors "null" (a string) and "" read as absent; a
/// `data.code` (as in INVALID_PUSH_ID) fills `code` when the top level has none.
/// The document is parsed into `out.document`'s storage (e.g. a monotonic_resource on the
/// caller's stack: the envelope must then not outlive it).
boost::system::error_code parse_envelope(std::string_view body, envelope& out, std::string& detail);

}  // namespace paystack::detail
