// The lazy walk over a paged list, shared by async_for_each_terminal (cursors) and
// async_for_each_payment_request (page numbers): one page in memory at a time, each page
// fetched by the list operation's own start_* (so each is retried as a list call), the visitor
// called on the client's strand, the summary carrying the last page's envelope.
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <functional>
#include <paystack/terminal_client.hpp>
#include <string>
#include <vector>

#include "client_core.hpp"
#include "operation.hpp"

namespace paystack::detail {

/// What follows a page: the next one (the parameters were advanced), the end, or a server that
/// sends the walk round in a circle (`detail` says how).
enum class walk_step { next, end, loop };

template <class Item, class Params>
using list_start = void (*)(std::shared_ptr<client_core>, Params, any_handler<std::vector<Item>>);

using walk_outcome = std::pair<boost::system::error_code, response<walk_summary>>;

/// The walk itself. `advance(params, page, detail)` moves `params` to the page after `page`.
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
    const walk_step step = advance(params, page, result.error_detail);
    if (step == walk_step::end) co_return out;
    if (step == walk_step::loop) {
      ec_out = error::bad_response;
      co_return out;
    }
  }
}

/// Checks the limit and the visitor, then runs walk_pages on the client's strand and completes
/// `handler` on its own executor. An exception thrown by the visitor is rethrown there.
template <class Item, class Params, class Advance>
void start_walk(std::shared_ptr<client_core> core, list_start<Item, Params> start, Params params,
                std::size_t limit, std::function<bool(const Item&)> visit, Advance advance,
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

}  // namespace paystack::detail
