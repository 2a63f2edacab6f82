// paystack/transaction_client.hpp: Transactions, for reconciling what the terminals took.
//
// Same conventions as terminal_client (completion tokens, error model, thread safety, lifetime,
// cancellation, exceptions; see terminal_client.hpp). Every operation here is a read: each is
// idempotent and retried on the client's retry policy (doc/adr/0004-retries.md). Each
// completes with void(boost::system::error_code, paystack::response<T>): ec is
// error::invalid_argument (nothing sent) for arguments refused before sending, or a transport
// error (network, TLS, timeout, cancellation, a reply that is not the envelope:
// error::bad_response); a non-2xx reply clears ec and gives !response.ok() with the envelope's
// message, type and code. The handler is never invoked from within the initiating function.
#pragma once

#include <boost/asio/deferred.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <paystack/detail/settlement_operations.hpp>
#include <paystack/detail/transaction_operations.hpp>
#include <paystack/export.hpp>
#include <paystack/terminal_client.hpp>
#include <paystack/transaction.hpp>
#include <string>
#include <vector>

PAYSTACK_API_BEGIN
namespace paystack {
inline namespace v0 {

/// The Transaction endpoints a point of sale reconciles with.
class transaction_client {
 public:
  /// The executor of the shared client.
  using executor_type = boost::asio::any_io_executor;

  /// Shares `terminals`' configuration, transport and connections.
  explicit transaction_client(const terminal_client& terminals);

  /// Its own configuration and connections (same rules as terminal_client's constructor).
  transaction_client(executor_type executor, client_options options = {});

  /// The executor handlers run on by default.
  executor_type get_executor() const noexcept { return terminals_.get_executor(); }

  /// List Transactions: GET /transaction with the filters and paging of `params` (see
  /// list_transactions_params for what is refused before sending). Completes with
  /// response<std::vector<transaction>>; the paging (page numbers or cursors) is in
  /// response.meta. Idempotent (retried).
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_list_transactions(list_transactions_params params = {},
                               CompletionToken&& token = {}) const {
    return detail::initiate<std::vector<transaction>>(core_, &detail::start_list_transactions,
                                                      token, std::move(params));
  }

  /// Fetch Transaction: GET /transaction/{id}. Completes with response<transaction>; an unknown
  /// id gives HTTP 404 (!ok()). An id below 1 is refused before sending. Idempotent (retried).
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_fetch_transaction(std::int64_t id, CompletionToken&& token = {}) const {
    return detail::initiate<transaction>(core_, &detail::start_fetch_transaction, token, id);
  }

  /// Verify Transaction: GET /transaction/verify/{reference} (e.g. the `pos_...` reference of a
  /// charge.success). Completes with response<transaction>. An empty or over-long
  /// (max_id_length) reference is refused before sending. Idempotent (retried).
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_verify_transaction(std::string reference, CompletionToken&& token = {}) const {
    return detail::initiate<transaction>(core_, &detail::start_verify_transaction, token,
                                         std::move(reference));
  }

  /// Transaction Totals: GET /transaction/totals?from=&to=. Completes with
  /// response<transaction_totals>. An empty from or to is refused before sending. Idempotent
  /// (retried).
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_transaction_totals(transaction_totals_params params = {},
                                CompletionToken&& token = {}) const {
    return detail::initiate<transaction_totals>(core_, &detail::start_transaction_totals, token,
                                                std::move(params));
  }

  /// Walks the transactions of `params` across pages, lazily: one page in memory at a time.
  /// Calls `visit` (on the client's strand) for each, in order, until `limit` were visited,
  /// `visit` returns false, or the last page was seen. With use_cursor it follows meta.next
  /// (a repeated cursor ends the walk with error::bad_response); otherwise it counts pages
  /// from params.page (default 1) up to meta.pageCount, stopping at an empty page.
  ///
  /// Completes with void(boost::system::error_code, paystack::response<walk_summary>): data is
  /// always set; the other fields are those of the last page fetched, so a page that failed
  /// (`!ok()`) is reported with its message. Refused before sending (error::invalid_argument):
  /// limit 0, no visitor, and what async_list_transactions refuses. Each page is an idempotent
  /// request. Cancellation ends the walk with operation_aborted. The handler is never invoked
  /// from within this function.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_for_each_transaction(list_transactions_params params, std::size_t limit,
                                  std::function<bool(const transaction&)> visit,
                                  CompletionToken&& token = {}) const {
    return detail::initiate<walk_summary>(core_, &detail::start_for_each_transaction, token,
                                          std::move(params), limit, std::move(visit));
  }

  /// Export Transactions: GET /transaction/export with the filters of `params` (see
  /// transaction_export_params for what is refused before sending). Completes with
  /// response<transaction_export>: the link to the CSV file and when it expires (the library
  /// does not download it). Idempotent (retried).
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_export_transactions(transaction_export_params params = {},
                                 CompletionToken&& token = {}) const {
    return detail::initiate<transaction_export>(core_, &detail::start_export_transactions, token,
                                                std::move(params));
  }

  /// Fetch Transaction Timeline: GET /transaction/timeline/{id_or_reference} (a transaction id,
  /// e.g. "3936799950", or its reference, e.g. "pos_wtwyrj7n6x"; Paystack's docs take either,
  /// its spec types the segment as an integer). Completes with response<transaction_timeline>;
  /// an unknown transaction gives HTTP 404 (!ok()). An empty or over-long (max_id_length)
  /// argument is refused before sending. Idempotent (retried).
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_fetch_transaction_timeline(std::string id_or_reference,
                                        CompletionToken&& token = {}) const {
    return detail::initiate<transaction_timeline>(core_, &detail::start_fetch_transaction_timeline,
                                                  token, std::move(id_or_reference));
  }

 private:
  terminal_client terminals_;
  std::shared_ptr<detail::client_core> core_;
};

}  // namespace v0
}  // namespace paystack
PAYSTACK_API_END
