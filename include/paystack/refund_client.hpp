// paystack/refund_client.hpp: Refunds (create, list, fetch, walk).
//
// Same conventions as terminal_client (completion tokens, error model, thread safety, lifetime,
// cancellation, exceptions; see terminal_client.hpp). Each operation completes with
// void(boost::system::error_code, paystack::response<T>): ec is error::invalid_argument
// (nothing sent) for arguments refused before sending, or a transport error (network, TLS,
// timeout, cancellation, a reply that is not the envelope: error::bad_response); a non-2xx
// reply clears ec and gives !response.ok() with the envelope's message, type and code. The
// handler is never invoked from within the initiating function.
#pragma once

#include <boost/asio/deferred.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <paystack/detail/transaction_operations.hpp>
#include <paystack/export.hpp>
#include <paystack/refund.hpp>
#include <paystack/terminal_client.hpp>
#include <vector>

PAYSTACK_API_BEGIN
namespace paystack {
inline namespace v0 {

/// The Refund endpoints.
class refund_client {
 public:
  /// The executor of the shared client.
  using executor_type = boost::asio::any_io_executor;

  /// Shares `terminals`' configuration, transport and connections.
  explicit refund_client(const terminal_client& terminals);

  /// Its own configuration and connections (same rules as terminal_client's constructor).
  refund_client(executor_type executor, client_options options = {});

  /// The executor handlers run on by default.
  executor_type get_executor() const noexcept { return terminals_.get_executor(); }

  /// Create Refund: POST /refund {"transaction", "amount"?, "currency"?, "customer_note"?,
  /// "merchant_note"?}. Completes with response<refund> (status pending at first; the
  /// refund.* webhooks follow it). See create_refund_params for what is refused before
  /// sending. Never repeated once the request may have reached the server (a repeated create
  /// could refund twice): on a lost reply or a total cancellation after sending, list the
  /// transaction's refunds before trying again.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_create_refund(create_refund_params params, CompletionToken&& token = {}) const {
    return detail::initiate<refund>(core_, &detail::start_create_refund, token, std::move(params));
  }

  /// List Refunds: GET /refund with the filters and page of `params` (see list_refunds_params
  /// for what is refused before sending). Completes with response<std::vector<refund>>; the
  /// page numbers are in response.meta. Idempotent (retried).
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_list_refunds(list_refunds_params params = {}, CompletionToken&& token = {}) const {
    return detail::initiate<std::vector<refund>>(core_, &detail::start_list_refunds, token,
                                                 std::move(params));
  }

  /// Fetch Refund: GET /refund/{id}. Completes with response<refund>; an unknown id gives HTTP
  /// 404 (!ok()). An id below 1 is refused before sending. Idempotent (retried).
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_fetch_refund(std::int64_t id, CompletionToken&& token = {}) const {
    return detail::initiate<refund>(core_, &detail::start_fetch_refund, token, id);
  }

  /// Retry Refund: POST /refund/retry_with_customer_details/{id} {"refund_account_details":
  /// {"currency", "account_number", "bank_id"}}, for a refund whose status is needs-attention
  /// (Paystack could not return the money without the customer's bank account). Completes with
  /// response<refund> (the refund, back to processing); a refund not in needs-attention gives
  /// a 4xx (!ok()). An id below 1 and what refund_account_details refuses are refused before
  /// sending. Never repeated once the request may have reached the server: on a lost reply,
  /// fetch the refund to see whether it left needs-attention.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_retry_refund(std::int64_t id, refund_account_details details,
                          CompletionToken&& token = {}) const {
    return detail::initiate<refund>(core_, &detail::start_retry_refund, token, id,
                                    std::move(details));
  }

  /// Walks the refunds of `params` page by page (page numbers from params.page, default 1, up
  /// to meta.pageCount, stopping at an empty page), one page in memory at a time. Calls `visit`
  /// (on the client's strand) for each, in order, until `limit` were visited or `visit`
  /// returns false.
  ///
  /// Completes with void(boost::system::error_code, paystack::response<walk_summary>): data is
  /// always set; the other fields are those of the last page fetched. Refused before sending
  /// (error::invalid_argument): limit 0, no visitor, and what async_list_refunds refuses. Each
  /// page is an idempotent request. Cancellation ends the walk with operation_aborted. The
  /// handler is never invoked from within this function.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_for_each_refund(list_refunds_params params, std::size_t limit,
                             std::function<bool(const refund&)> visit,
                             CompletionToken&& token = {}) const {
    return detail::initiate<walk_summary>(core_, &detail::start_for_each_refund, token,
                                          std::move(params), limit, std::move(visit));
  }

 private:
  terminal_client terminals_;
  std::shared_ptr<detail::client_core> core_;
};

}  // namespace v0
}  // namespace paystack
PAYSTACK_API_END
