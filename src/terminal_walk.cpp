// async_for_each_terminal: walks List Terminals page by page (cursors), one page in memory at a
// time (the walk itself: list_walk.hpp).
#include "list_walk.hpp"

namespace paystack::detail {

void start_for_each_terminal(std::shared_ptr<client_core> core, list_terminals_params params,
                             std::size_t limit, std::function<bool(const terminal&)> visit,
                             any_handler<walk_summary> handler) {
  start_walk<terminal, list_terminals_params>(
      std::move(core), {&start_list_terminals, &advance_cursor<list_terminals_params>},
      std::move(params), limit, std::move(visit), std::move(handler));
}

}  // namespace paystack::detail
