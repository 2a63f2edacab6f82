// async_for_each_terminal: walks List Terminals page by page (walk.hpp), following cursors.
#include <paystack/terminal_client.hpp>

#include "walk.hpp"

namespace paystack {
inline namespace v0 {
namespace detail {

void start_for_each_terminal(std::shared_ptr<client_core> core, list_terminals_params params,
                             std::size_t limit, std::function<bool(const terminal&)> visit,
                             any_handler<walk_summary> handler) {
  start_walk<terminal, list_terminals_params>(
      std::move(core), &start_list_terminals, std::move(params), limit, std::move(visit),
      std::move(handler), &advance_cursor<list_terminals_params>);
}

}  // namespace detail
}  // namespace v0
}  // namespace paystack
