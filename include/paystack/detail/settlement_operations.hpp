// paystack/detail/settlement_operations.hpp: the compiled entry points of settlement_client's
// operations and of transaction_client's export and timeline (src/settlement_client.cpp). Not
// part of the API.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <paystack/detail/initiate.hpp>
#include <paystack/export.hpp>
#include <paystack/settlement.hpp>
#include <paystack/transaction.hpp>
#include <string>
#include <vector>

PAYSTACK_API_BEGIN
namespace paystack {
inline namespace v0 {

struct walk_summary;

namespace detail {

void start_list_settlements(std::shared_ptr<client_core>, list_settlements_params,
                            any_handler<std::vector<settlement>>);
void start_for_each_settlement(std::shared_ptr<client_core>, list_settlements_params, std::size_t,
                               std::function<bool(const settlement&)>, any_handler<walk_summary>);
void start_list_settlement_transactions(std::shared_ptr<client_core>,
                                        settlement_transactions_params,
                                        any_handler<std::vector<transaction>>);
void start_for_each_settlement_transaction(std::shared_ptr<client_core>,
                                           settlement_transactions_params, std::size_t,
                                           std::function<bool(const transaction&)>,
                                           any_handler<walk_summary>);
void start_export_transactions(std::shared_ptr<client_core>, transaction_export_params,
                               any_handler<transaction_export>);
void start_fetch_transaction_timeline(std::shared_ptr<client_core>, std::string,
                                      any_handler<transaction_timeline>);

}  // namespace detail
}  // namespace v0
}  // namespace paystack
PAYSTACK_API_END
