// Response mapping: the outcome of an exchange (status, headers, body) becomes
// (error_code, response<T>): the selected headers, the envelope and the model of `data`.
#pragma once

#include <boost/system/error_code.hpp>
#include <paystack/payment_request.hpp>
#include <paystack/refund.hpp>
#include <paystack/response.hpp>
#include <paystack/terminal.hpp>
#include <paystack/transaction.hpp>
#include <paystack/transport.hpp>
#include <paystack/virtual_terminal.hpp>
#include <utility>
#include <vector>

#include "exchange.hpp"

namespace paystack {
inline namespace v0 {
namespace detail {

/// Moves the selected headers of a reply into the response.
void copy_headers(http_reply& reply, response_headers& out);

/// Turns the outcome of an exchange into (error_code, response<T>). Defined in
/// response_mapping.cpp for the models of the operations: empty, terminal,
/// std::vector<terminal>, terminal_status, event_status, event_ack, payment_request, the
/// Virtual Terminal models, transaction (and its vector), transaction_totals, refund (and its
/// vector).
template <class T>
std::pair<boost::system::error_code, response<T>> make_response(exchange_result&& x);

}  // namespace detail
}  // namespace v0
}  // namespace paystack
