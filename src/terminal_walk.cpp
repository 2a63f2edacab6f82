// async_for_each_terminal: walks List Terminals by its cursors (walk.hpp does the walking).
#include <functional>
#include <paystack/terminal_client.hpp>
#include <string>
#include <unordered_set>

#include "walk.hpp"

namespace paystack::detail {

void start_for_each_terminal(std::shared_ptr<client_core> core, list_terminals_params params,
                             std::size_t limit, std::function<bool(const terminal&)> visit,
                             any_handler<walk_summary> handler) {
  // Hashes of the cursors already followed: a server that repeats one would walk forever.
  auto seen = std::make_shared<std::unordered_set<std::size_t>>();
  auto advance = [seen](list_terminals_params& p, response<std::vector<terminal>>& page,
                        std::string& detail) {
    if (!page.meta.next) return walk_step::end;
    if (!seen->insert(std::hash<std::string>{}(*page.meta.next)).second) {
      detail = "the server repeated a list cursor; stopping the walk";
      return walk_step::loop;
    }
    p.next = std::move(page.meta.next);
    p.previous.reset();
    return walk_step::next;
  };
  start_walk<terminal, list_terminals_params>(std::move(core), &start_list_terminals,
                                              std::move(params), limit, std::move(visit),
                                              std::move(advance), std::move(handler));
}

}  // namespace paystack::detail
