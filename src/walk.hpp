// The lazy list walk behind async_for_each_terminal and async_for_each_virtual_terminal: one
// page in memory at a time, each page a list call, the visitor called on the client's strand.
// What differs between lists is how the next page is asked for (advance_cursor, or page
// numbers for Virtual Terminals).
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <paystack/terminal_client.hpp>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "client_core.hpp"
#include "operation.hpp"

namespace paystack {
inline namespace v0 {
namespace detail {

/// The list operation a walk calls for each page.
template <class Item, class Params>
using list_start = void (*)(std::shared_ptr<client_core>, Params, any_handler<std::vector<Item>>);

/// What follows a page.
enum class walk_step {
  done,      ///< it was the last page
  more,      ///< the parameters now ask for the next page
  repeated,  ///< the server gave a cursor (or page) already followed
};

/// Hashes of the cursors (or page numbers) a walk has followed.
using walk_seen = std::unordered_set<std::size_t>;

/// Cursor paging: follows `meta.next` (clearing `previous`); done without one.
template <class Params>
walk_step advance_cursor(page_meta& meta, Params& params, walk_seen& seen, std::size_t /*count*/) {
  if (!meta.next) return walk_step::done;
  if (!seen.insert(std::hash<std::string>{}(*meta.next)).second) return walk_step::repeated;
  params.next = std::move(meta.next);
  params.previous.reset();
  return walk_step::more;
}

/// Page-number paging: the page after the one the server says it sent (`meta.page`, or the
/// page asked for), while it is below `meta.pageCount` (or total / perPage rounded up when the
/// reply has no pageCount). An empty page ends the walk; a page number that does not grow is a
/// repeat.
template <class Params>
walk_step advance_page(page_meta& meta, Params& params, walk_seen& /*seen*/, std::size_t count) {
  const std::int64_t asked = params.page.value_or(1);
  const std::int64_t got = meta.page.value_or(asked);
  std::optional<std::int64_t> pages = meta.page_count;
  if (!pages && meta.total && meta.per_page && *meta.per_page > 0)
    pages = (*meta.total + *meta.per_page - 1) / *meta.per_page;
  if (count == 0 || !pages || got >= *pages) return walk_step::done;
  if (got < asked) return walk_step::repeated;
  params.page = got + 1;
  return walk_step::more;
}

using walk_outcome = std::pair<boost::system::error_code, response<walk_summary>>;

/// The walk itself. `advance(meta, params, seen, items_on_the_page)` moves `params` to the
/// next page.
template <class Item, class Params, class Advance>
boost::asio::awaitable<walk_outcome> walk_pages(std::shared_ptr<client_core> core,
                                                list_start<Item, Params> start, Params params,
                                                std::size_t limit,
                                                std::function<bool(const Item&)> visit,
                                                Advance advance) {
  namespace asio = boost::asio;
  co_await asio::this_coro::throw_if_cancelled(false);
  co_await asio::this_coro::reset_cancellation_state(asio::enable_total_cancellation());
  walk_outcome out;
  auto& [ec_out, result] = out;
  result.data.emplace();
  walk_summary& sum = *result.data;
  walk_seen seen;
  for (;;) {
    auto [ec, page] = co_await initiate<std::vector<Item>>(
        core, start, asio::as_tuple(asio::use_awaitable), params);
    ++sum.pages;
    result.status_code = page.status_code;
    result.status = page.status;
    result.message = std::move(page.message);
    result.meta = page.meta;
    result.type = std::move(page.type);
    result.code = std::move(page.code);
    result.next_step = std::move(page.next_step);
    result.headers = std::move(page.headers);
    result.raw_body = std::move(page.raw_body);
    result.error_detail = std::move(page.error_detail);
    result.attempts += page.attempts;
    if (ec || !page.ok()) {
      ec_out = ec;
      co_return out;
    }
    for (const auto& item : *page.data) {
      if (sum.visited >= limit) co_return out;
      ++sum.visited;
      if (!visit(item)) co_return out;
    }
    if (sum.visited >= limit) co_return out;
    const walk_step step = advance(page.meta, params, seen, page.data->size());
    if (step == walk_step::done) co_return out;
    if (step == walk_step::repeated) {
      ec_out = error::bad_response;
      result.error_detail = "the server repeated a list cursor or page; stopping the walk";
      co_return out;
    }
  }
}

/// Checks the walk's own arguments and spawns it on the client's strand; completes `handler`
/// with the summary (a visitor's exception is rethrown from the completion).
template <class Item, class Params, class Advance>
void start_walk(std::shared_ptr<client_core> core, list_start<Item, Params> start, Params params,
                std::size_t limit, std::function<bool(const Item&)> visit,
                any_handler<walk_summary> handler, Advance advance) {
  namespace asio = boost::asio;
  if (refuse_if_misconfigured(*core, handler)) return;
  if (limit == 0 || !visit)
    return complete_now<walk_summary>(
        *core, std::move(handler), error::invalid_argument,
        limit == 0 ? "limit must be at least 1" : "a visitor function is required");
  auto ex = asio::get_associated_executor(handler, core->shared().executor);
  auto slot = asio::get_associated_cancellation_slot(handler);
  auto strand = core->shared().strand;
  asio::co_spawn(
      strand,
      walk_pages<Item, Params>(std::move(core), start, std::move(params), limit, std::move(visit),
                               std::move(advance)),
      asio::bind_executor(
          ex, asio::bind_cancellation_slot(
                  slot, [h = std::move(handler)](std::exception_ptr ep, walk_outcome o) mutable {
                    if (ep) std::rethrow_exception(ep);  // thrown by the caller's visitor
                    std::move(h)(o.first, std::move(o.second));
                  })));
}

}  // namespace detail
}  // namespace v0
}  // namespace paystack
