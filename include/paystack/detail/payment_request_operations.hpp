// paystack/detail/payment_request_operations.hpp: the compiled entry points of
// payment_request_client's operations (src/payment_request_client.cpp). Not part of the API.
#pragma once

#include <memory>
#include <paystack/detail/initiate.hpp>
#include <paystack/payment_request.hpp>
#include <string>

namespace paystack {
namespace detail {

void start_create_payment_request(std::shared_ptr<client_core>, create_payment_request_params,
                                  any_handler<payment_request>);
void start_fetch_payment_request(std::shared_ptr<client_core>, std::string,
                                 any_handler<payment_request>);
void start_verify_payment_request(std::shared_ptr<client_core>, std::string,
                                  any_handler<payment_request>);

}  // namespace detail
}  // namespace paystack
