// How each `data` type is read: bind_data() streams it straight into the model while the body
// is parsed (json/envelope.hpp); the payment request, whose shape varies, is read from a
// document by read_model (also used for webhook payloads). A reader that refuses explains
// itself in `detail` ("data.terminal_id: expected a string").
#pragma once

#include <boost/json/value.hpp>
#include <paystack/payment_request.hpp>
#include <paystack/refund.hpp>
#include <paystack/response.hpp>
#include <paystack/settlement.hpp>
#include <paystack/terminal.hpp>
#include <paystack/transaction.hpp>
#include <paystack/virtual_terminal.hpp>
#include <string>
#include <vector>

#include "json/envelope.hpp"

namespace paystack {
inline namespace v0 {
namespace detail {

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
data_binding bind_data(virtual_terminal& out);               ///< shape::document
data_binding bind_data(std::vector<virtual_terminal>& out);  ///< shape::document
data_binding bind_data(std::vector<virtual_terminal_destination>& out);
data_binding bind_data(split_code_info& out);

bool read_model(const boost::json::value& v, virtual_terminal& out, std::string& detail);
bool read_model(const boost::json::value& v, std::vector<virtual_terminal>& out,
                std::string& detail);

/// A binding that keeps `data` as a document for read_model (shape::document).
template <class T>
data_binding document_binding(T& out) {
  return {data_binding::shape::document, &out, nullptr, [](void* m) { *static_cast<T*>(m) = T{}; }};
}

// Transactions and refunds (json/transaction_json.cpp): shape::document, then read_model.
data_binding bind_data(transaction& out);
data_binding bind_data(std::vector<transaction>& out);
data_binding bind_data(transaction_totals& out);
data_binding bind_data(refund& out);
data_binding bind_data(std::vector<refund>& out);
bool read_model(const boost::json::value& v, transaction& out, std::string& detail);
bool read_model(const boost::json::value& v, std::vector<transaction>& out, std::string& detail);
bool read_model(const boost::json::value& v, transaction_totals& out, std::string& detail);
bool read_model(const boost::json::value& v, refund& out, std::string& detail);
bool read_model(const boost::json::value& v, std::vector<refund>& out, std::string& detail);
/// `data` of a refund.* webhook.
bool read_model(const boost::json::value& v, refund_event_data& out, std::string& detail);

// Settlements, export and timeline (json/settlement_json.cpp): shape::document, then read_model.
data_binding bind_data(std::vector<settlement>& out);
data_binding bind_data(transaction_export& out);
data_binding bind_data(transaction_timeline& out);
bool read_model(const boost::json::value& v, std::vector<settlement>& out, std::string& detail);
bool read_model(const boost::json::value& v, transaction_export& out, std::string& detail);
bool read_model(const boost::json::value& v, transaction_timeline& out, std::string& detail);

}  // namespace detail
}  // namespace v0
}  // namespace paystack
