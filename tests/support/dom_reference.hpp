// The reply reader as it was before it streamed (Boost.JSON document, then lookups): kept as
// the reference the streaming reader (src/json/envelope.cpp) is checked against, by
// tests/unit/reply_reader_test.cpp and by fuzz/reply_fuzzer.cpp on any bytes.
#pragma once

#include <boost/json/value.hpp>
#include <boost/system/error_code.hpp>
#include <optional>
#include <paystack/payment_request.hpp>
#include <paystack/response.hpp>
#include <paystack/terminal.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace paystack::test::reference {

struct dom_envelope {
  bool status = false;
  std::string message;
  page_meta meta;
  std::optional<std::string> type;
  std::optional<std::string> code;
  std::optional<std::string> next_step;
  boost::json::value document;
  const boost::json::value* data = nullptr;
};

boost::system::error_code parse_envelope(std::string_view body, dom_envelope& out,
                                         std::string& detail);

bool read_model(const boost::json::value& v, terminal& out, std::string& detail);
bool read_model(const boost::json::value& v, std::vector<terminal>& out, std::string& detail);
bool read_model(const boost::json::value& v, terminal_status& out, std::string& detail);
bool read_model(const boost::json::value& v, event_status& out, std::string& detail);
bool read_model(const boost::json::value& v, event_ack& out, std::string& detail);

}  // namespace paystack::test::reference

namespace paystack::test {

/// Reads `body` with the streaming reader and with the reference, as every `data` type, and
/// describes the first difference in what they make of it; empty when they agree.
std::string reader_differences(std::string_view body);

}  // namespace paystack::test
