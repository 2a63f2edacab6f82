// async_for_each_terminal: walks List Terminals page by page, one page in memory at a time.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <functional>
#include <paystack/terminal_client.hpp>
#include <unordered_set>

#include "client_core.hpp"
#include "operation.hpp"

namespace paystack::detail {
namespace asio = boost::asio;

namespace {

using walk_outcome = std::pair<boost::system::error_code, response<walk_summary>>;

asio::awaitable<walk_outcome> walk(std::shared_ptr<client_core> core, list_terminals_params params,
                                   std::size_t limit, std::function<bool(const terminal&)> visit) {
  co_await asio::this_coro::throw_if_cancelled(false);
  co_await asio::this_coro::reset_cancellation_state(asio::enable_total_cancellation());
  walk_outcome out;
  auto& [ec_out, result] = out;
  result.data.emplace();
  walk_summary& sum = *result.data;
  std::unordered_set<std::size_t> seen;  // hashes of cursors already followed
  for (;;) {
    auto [ec, page] = co_await initiate<std::vector<terminal>>(
        core, &start_list_terminals, asio::as_tuple(asio::use_awaitable), params);
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
    for (const auto& t : *page.data) {
      if (sum.visited >= limit) co_return out;
      ++sum.visited;
      if (!visit(t)) co_return out;
    }
    if (sum.visited >= limit || !page.meta.next) co_return out;
    if (!seen.insert(std::hash<std::string>{}(*page.meta.next)).second) {
      ec_out = error::bad_response;
      result.error_detail = "the server repeated a list cursor; stopping the walk";
      co_return out;
    }
    params.next = std::move(page.meta.next);
    params.previous.reset();
  }
}

}  // namespace

void start_for_each_terminal(std::shared_ptr<client_core> core, list_terminals_params params,
                             std::size_t limit, std::function<bool(const terminal&)> visit,
                             any_handler<walk_summary> handler) {
  if (refuse_if_misconfigured(*core, handler)) return;
  if (limit == 0 || !visit)
    return complete_now<walk_summary>(
        *core, std::move(handler), error::invalid_argument,
        limit == 0 ? "limit must be at least 1" : "a visitor function is required");
  auto ex = asio::get_associated_executor(handler, core->shared().executor);
  auto slot = asio::get_associated_cancellation_slot(handler);
  auto strand = core->shared().strand;
  asio::co_spawn(
      strand, walk(std::move(core), std::move(params), limit, std::move(visit)),
      asio::bind_executor(
          ex, asio::bind_cancellation_slot(
                  slot, [h = std::move(handler)](std::exception_ptr ep, walk_outcome o) mutable {
                    if (ep) std::rethrow_exception(ep);  // thrown by the caller's visitor
                    std::move(h)(o.first, std::move(o.second));
                  })));
}

}  // namespace paystack::detail
