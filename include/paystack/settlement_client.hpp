// paystack/settlement_client.hpp: Settlements, the payouts that follow the day's sales.
//
// Same conventions as terminal_client (completion tokens, error model, thread safety, lifetime,
// cancellation, exceptions; see terminal_client.hpp). Every operation here is a read: each is
// idempotent and retried on the client's retry policy (doc/adr/0004-retries.md). Each
// completes with void(boost::system::error_code, paystack::response<T>): ec is
// error::invalid_argument (nothing sent) for arguments refused before sending, or a transport
// error (network, TLS, timeout, cancellation, a reply that is not the envelope:
// error::bad_response); a non-2xx reply clears ec and gives !response.ok() with the envelope's
// message, type and code. The handler is never invoked from within the initiating function.
// Thread safety: a settlement_client is a cheap handle; its members may be called from any
// thread, like terminal_client's. Cancellation: the handler's cancellation slot is honoured (an
// exchange or a walk cancelled completes with operation_aborted and leaves nothing running).
#pragma once

#include <boost/asio/deferred.hpp>
#include <cstddef>
#include <functional>
#include <memory>
#include <paystack/detail/settlement_operations.hpp>
#include <paystack/export.hpp>
#include <paystack/settlement.hpp>
#include <paystack/terminal_client.hpp>
#include <paystack/transaction.hpp>
#include <vector>

PAYSTACK_API_BEGIN
namespace paystack {
inline namespace v0 {

/// The Settlement endpoints.
class settlement_client {
 public:
  /// The executor of the shared client.
  using executor_type = boost::asio::any_io_executor;

  /// Shares `terminals`' configuration, transport and connections.
  explicit settlement_client(const terminal_client& terminals);

  /// Its own configuration and connections (same rules as terminal_client's constructor).
  settlement_client(executor_type executor, client_options options = {});

  /// The executor handlers run on by default.
  executor_type get_executor() const noexcept { return terminals_.get_executor(); }

  /// List Settlements: GET /settlement with the paging and filters of `params` (see
  /// list_settlements_params for what is refused before sending). Completes with
  /// response<std::vector<settlement>>; the paging is in response.meta. Idempotent (retried).
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_list_settlements(list_settlements_params params = {},
                              CompletionToken&& token = {}) const {
    return detail::initiate<std::vector<settlement>>(core_, &detail::start_list_settlements, token,
                                                     std::move(params));
  }

  /// Walks the settlements of `params` across pages, lazily: one page in memory at a time.
  /// Calls `visit` (on the client's strand) for each, in order, until `limit` were visited,
  /// `visit` returns false, or the last page (meta.pageCount, or an empty page) was seen.
  ///
  /// Completes with void(boost::system::error_code, paystack::response<walk_summary>): data is
  /// always set; the other fields are those of the last page fetched, so a page that failed
  /// (`!ok()`) is reported with its message; a page number the server repeats ends the walk
  /// with error::bad_response. Refused before sending (error::invalid_argument): limit 0, no
  /// visitor, and what async_list_settlements refuses. Cancellation ends the walk with
  /// operation_aborted.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_for_each_settlement(list_settlements_params params, std::size_t limit,
                                 std::function<bool(const settlement&)> visit,
                                 CompletionToken&& token = {}) const {
    return detail::initiate<walk_summary>(core_, &detail::start_for_each_settlement, token,
                                          std::move(params), limit, std::move(visit));
  }

  /// Fetch Settlement Transactions: GET /settlement/{id}/transactions. Completes with
  /// response<std::vector<transaction>> (the transactions the settlement paid out); an unknown
  /// settlement gives HTTP 404 (!ok()). Refused before sending: see
  /// settlement_transactions_params. Idempotent (retried).
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_list_settlement_transactions(settlement_transactions_params params,
                                          CompletionToken&& token = {}) const {
    return detail::initiate<std::vector<transaction>>(
        core_, &detail::start_list_settlement_transactions, token, std::move(params));
  }

  /// Walks a settlement's transactions across pages, as async_for_each_settlement walks the
  /// settlements (same completion, errors, refusals and cancellation).
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_for_each_settlement_transaction(settlement_transactions_params params,
                                             std::size_t limit,
                                             std::function<bool(const transaction&)> visit,
                                             CompletionToken&& token = {}) const {
    return detail::initiate<walk_summary>(core_, &detail::start_for_each_settlement_transaction,
                                          token, std::move(params), limit, std::move(visit));
  }

 private:
  terminal_client terminals_;
  std::shared_ptr<detail::client_core> core_;
};

}  // namespace v0
}  // namespace paystack
PAYSTACK_API_END
