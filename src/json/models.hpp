// How each `data` type is read: bind_data() streams it straight into the model while the body
// is parsed (json/envelope.hpp); the payment request, whose shape varies, is read from a
// document by read_model (also used for webhook payloads). A reader that refuses explains
// itself in `detail` ("data.terminal_id: expected a string").
#pragma once

#include <boost/json/value.hpp>
#include <paystack/payment_request.hpp>
#include <paystack/response.hpp>
#include <paystack/terminal.hpp>
#include <string>
#include <vector>

#include "json/envelope.hpp"

namespace paystack::detail {

data_binding bind_data(empty& out);
data_binding bind_data(terminal& out);
data_binding bind_data(std::vector<terminal>& out);
data_binding bind_data(terminal_status& out);
data_binding bind_data(event_status& out);
data_binding bind_data(event_ack& out);
data_binding bind_data(payment_request& out);               ///< shape::document, then read_model
data_binding bind_data(std::vector<payment_request>& out);  ///< shape::document
data_binding bind_data(payment_request_totals& out);        ///< shape::document

bool read_model(const boost::json::value& v, payment_request& out, std::string& detail);
bool read_model(const boost::json::value& v, std::vector<payment_request>& out,
                std::string& detail);
bool read_model(const boost::json::value& v, payment_request_totals& out, std::string& detail);

/// One payment request at `path` ("data", "data[2]"), errors named under it.
bool read_request(const boost::json::value& v, const std::string& path, payment_request& out,
                  std::string& detail);

}  // namespace paystack::detail
