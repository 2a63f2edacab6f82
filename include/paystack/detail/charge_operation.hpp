// paystack/detail/charge_operation.hpp: the compiled entry point of async_charge_on_terminal
// (src/flow/charge/charge.cpp). Not part of the API; included by paystack/charge.hpp.
#pragma once

#include <boost/asio/any_completion_handler.hpp>
#include <boost/system/error_code.hpp>
#include <paystack/export.hpp>
#include <string>

PAYSTACK_API_BEGIN
namespace paystack {
inline namespace v0 {

class terminal_client;
struct charge_params;
struct charge_result;

namespace detail {

void start_charge_on_terminal(
    terminal_client client, std::string terminal_id, charge_params params,
    boost::asio::any_completion_handler<void(boost::system::error_code, charge_result)> handler);

}  // namespace detail
}  // namespace v0
}  // namespace paystack
PAYSTACK_API_END
