// paystack/detail/transaction_operations.hpp: the compiled entry points of transaction_client's
// and refund_client's operations (src/transaction_client.cpp, src/refund_client.cpp). Not part
// of the API.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <paystack/detail/initiate.hpp>
#include <paystack/export.hpp>
#include <paystack/refund.hpp>
#include <paystack/transaction.hpp>
#include <string>
#include <vector>

PAYSTACK_API_BEGIN
namespace paystack {
inline namespace v0 {

struct walk_summary;

namespace detail {

void start_list_transactions(std::shared_ptr<client_core>, list_transactions_params,
                             any_handler<std::vector<transaction>>);
void start_fetch_transaction(std::shared_ptr<client_core>, std::int64_t, any_handler<transaction>);
void start_verify_transaction(std::shared_ptr<client_core>, std::string, any_handler<transaction>);
void start_transaction_totals(std::shared_ptr<client_core>, transaction_totals_params,
                              any_handler<transaction_totals>);
void start_for_each_transaction(std::shared_ptr<client_core>, list_transactions_params, std::size_t,
                                std::function<bool(const transaction&)>, any_handler<walk_summary>);

void start_create_refund(std::shared_ptr<client_core>, create_refund_params, any_handler<refund>);
void start_list_refunds(std::shared_ptr<client_core>, list_refunds_params,
                        any_handler<std::vector<refund>>);
void start_fetch_refund(std::shared_ptr<client_core>, std::int64_t, any_handler<refund>);
void start_retry_refund(std::shared_ptr<client_core>, std::int64_t, refund_account_details,
                        any_handler<refund>);
void start_for_each_refund(std::shared_ptr<client_core>, list_refunds_params, std::size_t,
                           std::function<bool(const refund&)>, any_handler<walk_summary>);

}  // namespace detail
}  // namespace v0
}  // namespace paystack
PAYSTACK_API_END
