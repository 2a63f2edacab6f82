// paystack/detail/virtual_terminal_operations.hpp: the compiled entry points of
// virtual_terminal_client's operations (src/virtual_terminal_client.cpp). Not part of the API.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <paystack/detail/initiate.hpp>
#include <paystack/export.hpp>
#include <paystack/virtual_terminal.hpp>
#include <string>
#include <vector>

PAYSTACK_API_BEGIN
namespace paystack {
inline namespace v0 {

struct walk_summary;

namespace detail {

void start_create_virtual_terminal(std::shared_ptr<client_core>, create_virtual_terminal_params,
                                   any_handler<virtual_terminal>);
void start_list_virtual_terminals(std::shared_ptr<client_core>, list_virtual_terminals_params,
                                  any_handler<std::vector<virtual_terminal>>);
void start_fetch_virtual_terminal(std::shared_ptr<client_core>, std::string,
                                  any_handler<virtual_terminal>);
void start_update_virtual_terminal(std::shared_ptr<client_core>, std::string,
                                   update_virtual_terminal_params, any_handler<empty>);
void start_deactivate_virtual_terminal(std::shared_ptr<client_core>, std::string,
                                       any_handler<empty>);
void start_assign_virtual_terminal_destinations(
    std::shared_ptr<client_core>, std::string, std::vector<destination_params>,
    any_handler<std::vector<virtual_terminal_destination>>);
void start_unassign_virtual_terminal_destinations(std::shared_ptr<client_core>, std::string,
                                                  std::vector<std::string>, any_handler<empty>);
void start_add_virtual_terminal_split_code(std::shared_ptr<client_core>, std::string, std::string,
                                           any_handler<split_code_info>);
void start_remove_virtual_terminal_split_code(std::shared_ptr<client_core>, std::string,
                                              std::string, any_handler<empty>);
void start_for_each_virtual_terminal(std::shared_ptr<client_core>, list_virtual_terminals_params,
                                     std::size_t, std::function<bool(const virtual_terminal&)>,
                                     any_handler<walk_summary>);

}  // namespace detail
}  // namespace v0
}  // namespace paystack
PAYSTACK_API_END
