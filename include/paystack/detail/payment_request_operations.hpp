// paystack/detail/payment_request_operations.hpp: the compiled entry points of
// payment_request_client's operations (src/payment_request_client.cpp,
// src/payment_request_list.cpp). Not part of the API.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <paystack/detail/initiate.hpp>
#include <paystack/export.hpp>
#include <paystack/payment_request.hpp>
#include <string>
#include <vector>

PAYSTACK_API_BEGIN
namespace paystack {
inline namespace v0 {

struct walk_summary;

namespace detail {

void start_create_payment_request(std::shared_ptr<client_core>, create_payment_request_params,
                                  any_handler<payment_request>);
void start_fetch_payment_request(std::shared_ptr<client_core>, std::string,
                                 any_handler<payment_request>);
void start_verify_payment_request(std::shared_ptr<client_core>, std::string,
                                  any_handler<payment_request>);
void start_list_payment_requests(std::shared_ptr<client_core>, list_payment_requests_params,
                                 any_handler<std::vector<payment_request>>);
void start_for_each_payment_request(std::shared_ptr<client_core>, list_payment_requests_params,
                                    std::size_t, std::function<bool(const payment_request&)>,
                                    any_handler<walk_summary>);
void start_update_payment_request(std::shared_ptr<client_core>, std::string,
                                  update_payment_request_params, any_handler<payment_request>);
void start_archive_payment_request(std::shared_ptr<client_core>, std::string, any_handler<empty>);
void start_finalize_payment_request(std::shared_ptr<client_core>, std::string,
                                    any_handler<payment_request>);
void start_send_payment_request_notification(std::shared_ptr<client_core>, std::string,
                                             any_handler<empty>);
void start_fetch_payment_request_totals(std::shared_ptr<client_core>,
                                        any_handler<payment_request_totals>);

}  // namespace detail
}  // namespace v0
}  // namespace paystack
PAYSTACK_API_END
