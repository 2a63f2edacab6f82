// JSON -> model readers, one overload per `data` type. Each returns false and explains itself
// in `detail` when a required member is missing or wrongly typed.
#pragma once

#include <boost/json/value.hpp>
#include <paystack/payment_request.hpp>
#include <paystack/response.hpp>
#include <paystack/terminal.hpp>
#include <string>
#include <vector>

namespace paystack::detail {

bool read_model(const boost::json::value& v, terminal& out, std::string& detail);
bool read_model(const boost::json::value& v, std::vector<terminal>& out, std::string& detail);
bool read_model(const boost::json::value& v, terminal_status& out, std::string& detail);
bool read_model(const boost::json::value& v, event_status& out, std::string& detail);
bool read_model(const boost::json::value& v, event_ack& out, std::string& detail);
bool read_model(const boost::json::value& v, payment_request& out, std::string& detail);

}  // namespace paystack::detail
