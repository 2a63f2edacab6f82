// paystack/detail/terminal_operations.hpp: the compiled entry points of terminal_client's
// operations (src/terminal_client.cpp; the walk: src/terminal_walk.cpp, src/walk.hpp). Not API.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <paystack/detail/initiate.hpp>
#include <paystack/event.hpp>
#include <paystack/export.hpp>
#include <paystack/terminal.hpp>
#include <string>
#include <vector>

PAYSTACK_API_BEGIN
namespace paystack {
inline namespace v0 {

struct walk_summary;

namespace detail {

void start_commission_terminal(std::shared_ptr<client_core>, std::string, any_handler<empty>);
void start_decommission_terminal(std::shared_ptr<client_core>, std::string, any_handler<empty>);
void start_fetch_event_status(std::shared_ptr<client_core>, std::string, std::string,
                              any_handler<event_status>);
void start_fetch_terminal(std::shared_ptr<client_core>, std::string, any_handler<terminal>);
void start_fetch_terminal_status(std::shared_ptr<client_core>, std::string,
                                 any_handler<terminal_status>);
void start_list_terminals(std::shared_ptr<client_core>, list_terminals_params,
                          any_handler<std::vector<terminal>>);
void start_send_event(std::shared_ptr<client_core>, std::string, terminal_event,
                      any_handler<event_ack>);
void start_update_terminal(std::shared_ptr<client_core>, std::string, update_terminal_params,
                           any_handler<empty>);
void start_for_each_terminal(std::shared_ptr<client_core>, list_terminals_params, std::size_t,
                             std::function<bool(const terminal&)>, any_handler<walk_summary>);

}  // namespace detail
}  // namespace v0
}  // namespace paystack
PAYSTACK_API_END
