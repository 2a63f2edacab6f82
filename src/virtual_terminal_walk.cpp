// async_for_each_virtual_terminal: walks List Virtual Terminals page by page (walk.hpp). The
// docs page with cursors, the spec with page numbers: a page with `meta.next` is followed by
// its cursor, one with `page` below `pageCount` by the next page number.
#include <limits>
#include <paystack/virtual_terminal_client.hpp>

#include "walk.hpp"

namespace paystack {
inline namespace v0 {
namespace detail {
namespace {

walk_step advance_either(page_meta& meta, list_virtual_terminals_params& params, walk_seen& seen,
                         std::size_t count) {
  if (meta.next) {
    params.page.reset();
    return advance_cursor(meta, params, seen, count);
  }
  if (!meta.page || !meta.page_count || *meta.page >= *meta.page_count) return walk_step::done;
  const auto next = *meta.page + 1;
  // Page numbers must grow: a server that answers page 2 with page 1 again is repeating itself.
  if (next > std::numeric_limits<int>::max() || (params.page && next <= *params.page))
    return walk_step::repeated;
  params.page = static_cast<int>(next);
  return walk_step::more;
}

}  // namespace

void start_for_each_virtual_terminal(std::shared_ptr<client_core> core,
                                     list_virtual_terminals_params params, std::size_t limit,
                                     std::function<bool(const virtual_terminal&)> visit,
                                     any_handler<walk_summary> handler) {
  start_walk<virtual_terminal, list_virtual_terminals_params>(
      std::move(core), &start_list_virtual_terminals, std::move(params), limit, std::move(visit),
      std::move(handler), &advance_either);
}

}  // namespace detail
}  // namespace v0
}  // namespace paystack
