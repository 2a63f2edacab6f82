// The lazy walk behind async_for_each_terminal, async_for_each_transaction and
// async_for_each_refund: one list page in memory at a time, each item handed to the visitor, the
// next page's parameters computed from the last page's meta (a cursor or a page number). A
// position seen twice (a server repeating a cursor) ends the walk with error::bad_response.
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstddef>
#include <exception>
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

namespace paystack::detail {

/// How a walk lists one page and finds the next.
template <class Item, class Params>
struct list_walk {
  /// The list operation's entry point.
  void (*start)(std::shared_ptr<client_core>, Params, any_handler<std::vector<Item>>);
  /// Moves `params` to the page after the one whose meta is `meta` (which held `count` items).
  /// Returns a key naming the new position (a cursor, "page:N"), or std::nullopt when that was
  /// the last page.
  std::optional<std::string> (*advance)(Params& params, const page_meta& meta, std::size_t count);
};

/// The next cursor position (meta.next), for cursor-paged lists.
template <class Params>
std::optional<std::string> advance_cursor(Params& params, const page_meta& meta, std::size_t) {
  if (!meta.next) return std::nullopt;
  params.next = meta.next;
  params.previous.reset();
  return "cursor:" + *meta.next;
}

/// The next page number, for page-number lists: while the page had items and meta.page is
/// below meta.pageCount (or below total / perPage, rounded up, when pageCount is absent).
template <class Params>
std::optional<std::string> advance_page(Params& params, const page_meta& meta, std::size_t count) {
  if (count == 0) return std::nullopt;
  const std::int64_t page = meta.page.value_or(params.page.value_or(1));
  std::optional<std::int64_t> pages = meta.page_count;
  if (!pages && meta.total && meta.per_page && *meta.per_page > 0)
    pages = (*meta.total + *meta.per_page - 1) / *meta.per_page;
  if (!pages || page >= *pages || page < 1) return std::nullopt;
  params.page = page + 1;
  return "page:" + std::to_string(page + 1);
}

namespace walk_impl {

using outcome = std::pair<boost::system::error_code, response<walk_summary>>;

/// Copies everything but data from a page's response into the walk's.
template <class T>
void take_page(response<walk_summary>& result, response<T>& page) {
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
}

template <class Item, class Params>
boost::asio::awaitable<outcome> walk(std::shared_ptr<client_core> core, list_walk<Item, Params> w,
                                     Params params, std::size_t limit,
                                     std::function<bool(const Item&)> visit) {
  namespace asio = boost::asio;
  co_await asio::this_coro::throw_if_cancelled(false);
  co_await asio::this_coro::reset_cancellation_state(asio::enable_total_cancellation());
  outcome out;
  auto& [ec_out, result] = out;
  result.data.emplace();
  walk_summary& sum = *result.data;
  std::unordered_set<std::size_t> seen;  // hashes of positions already followed
  for (;;) {
    auto [ec, page] = co_await initiate<std::vector<Item>>(
        core, w.start, asio::as_tuple(asio::use_awaitable), params);
    ++sum.pages;
    take_page(result, page);
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
    auto key = w.advance(params, page.meta, page.data->size());
    if (!key) co_return out;
    if (!seen.insert(std::hash<std::string>{}(*key)).second) {
      ec_out = error::bad_response;
      result.error_detail = "the server repeated a list position; stopping the walk";
      co_return out;
    }
  }
}

}  // namespace walk_impl

/// Starts a walk: refuses limit 0 and an empty visitor, then runs the walk on the client's
/// strand and completes `handler` on its associated executor.
template <class Item, class Params>
void start_walk(std::shared_ptr<client_core> core, list_walk<Item, Params> w, Params params,
                std::size_t limit, std::function<bool(const Item&)> visit,
                any_handler<walk_summary> handler) {
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
      strand, walk_impl::walk(std::move(core), w, std::move(params), limit, std::move(visit)),
      asio::bind_executor(ex, asio::bind_cancellation_slot(
                                  slot, [h = std::move(handler)](std::exception_ptr ep,
                                                                 walk_impl::outcome o) mutable {
                                    if (ep) std::rethrow_exception(ep);  // thrown by the visitor
                                    std::move(h)(o.first, std::move(o.second));
                                  })));
}

}  // namespace paystack::detail
