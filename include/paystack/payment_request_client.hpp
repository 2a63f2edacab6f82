// paystack/payment_request_client.hpp: Payment Requests, the invoices a terminal collects.
//
// Same conventions as terminal_client (completion tokens, error model, thread safety,
// lifetime, cancellation, exceptions): every async_* member completes with
// void(boost::system::error_code, paystack::response<T>); an argument refused before sending
// completes with error::invalid_argument and sends nothing; a transport failure (network, TLS,
// timeout, a reply that is not the envelope) sets the error_code; a non-2xx reply or
// `status:false` clears it and is data (response.ok() is false, message/type/code kept). The
// handler's cancellation slot is honoured (operation_aborted). The handler is never invoked
// from within the initiating function. Constructed from a terminal_client it shares that
// client's configuration and connections.
//
// Paystack has no way to cancel a payment request. Archive is NOT a cancel: it hides the
// request from lists, and an archived request can no longer be verified; a customer who
// already holds its offline reference is not told anything.
#pragma once

#include <cstddef>
#include <functional>
#include <paystack/detail/payment_request_operations.hpp>
#include <paystack/export.hpp>
#include <paystack/payment_request.hpp>
#include <paystack/terminal_client.hpp>
#include <vector>

PAYSTACK_API_BEGIN
namespace paystack {
inline namespace v0 {

/// The Payment Request API: create, list, fetch, verify, update, archive, finalize, notify and
/// totals.
class payment_request_client {
 public:
  /// The executor the client's operations run on by default.
  using executor_type = boost::asio::any_io_executor;

  /// Shares `terminals`' configuration, transport and connections.
  explicit payment_request_client(const terminal_client& terminals);

  /// Its own configuration and connections (same rules as terminal_client's constructor).
  payment_request_client(executor_type executor, client_options options = {});

  /// The executor of the shared client.
  executor_type get_executor() const noexcept { return terminals_.get_executor(); }

  /// Create Payment Request: POST /paymentrequest. Completes with
  /// void(error_code, response<payment_request>). Refused before sending (invalid_argument)
  /// without a customer, or without an amount and line items (check_payment_request_params).
  /// Never repeated once the request may have reached the server (unsafe): after a lost reply,
  /// list by customer to check before creating again. The handler is never invoked from within
  /// this function.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_create_payment_request(create_payment_request_params params,
                                    CompletionToken&& token = {}) const {
    return detail::initiate<payment_request>(core_, &detail::start_create_payment_request, token,
                                             std::move(params));
  }

  /// Fetch Payment Request: GET /paymentrequest/{id_or_code}, by id ("3136406") or code
  /// ("PRQ_..."). Completes with void(error_code, response<payment_request>); an unknown one
  /// is a 404 reply (ok() false). An empty or over-long id is refused before sending.
  /// Idempotent (repeated on 429/5xx and lost connections). The handler is never invoked from
  /// within this function.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_fetch_payment_request(std::string id_or_code, CompletionToken&& token = {}) const {
    return detail::initiate<payment_request>(core_, &detail::start_fetch_payment_request, token,
                                             std::move(id_or_code));
  }

  /// Verify Payment Request: GET /paymentrequest/verify/{id_or_code}, by code or id. Completes
  /// with void(error_code, response<payment_request>); `paid` and `status` say whether it was
  /// paid. An archived request cannot be verified (a non-2xx reply). An empty or over-long
  /// code is refused before sending. Idempotent. The handler is never invoked from within this
  /// function.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_verify_payment_request(std::string request_code, CompletionToken&& token = {}) const {
    return detail::initiate<payment_request>(core_, &detail::start_verify_payment_request, token,
                                             std::move(request_code));
  }

  /// List Payment Requests: GET /paymentrequest?customer=&status=&currency=&include_archive=
  /// &from=&to=&perPage=&page=. Completes with
  /// void(error_code, response<std::vector<payment_request>>); response.meta has `page`,
  /// `page_count`, `total`, `skipped` and `per_page`. Malformed parameters (empty or over-long
  /// strings, a page or page size below 1) are refused before sending. Idempotent. The handler
  /// is never invoked from within this function.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_list_payment_requests(list_payment_requests_params params = {},
                                   CompletionToken&& token = {}) const {
    return detail::initiate<std::vector<payment_request>>(
        core_, &detail::start_list_payment_requests, token, std::move(params));
  }

  /// Walks every payment request the filters in `params` select, lazily: one page in memory at
  /// a time, pages fetched by number from `params.page` (1 when unset) while
  /// `meta.page < meta.pageCount`. Calls `visit` (on the client's strand) for each request, in
  /// order, until `limit` were visited, `visit` returns false, or the last page was seen.
  /// Completes with void(error_code, response<walk_summary>): data is always set; the other
  /// fields are those of the last page fetched, so a page that failed (`!ok()`) is reported
  /// with its message. A server whose page number does not advance ends the walk with
  /// error::bad_response. A zero limit or an empty visitor is refused (invalid_argument). Each
  /// page is a list call (idempotent); cancellation stops the walk between or during pages.
  /// An exception thrown by `visit` leaves io_context::run(). The handler is never invoked from
  /// within this function.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_for_each_payment_request(list_payment_requests_params params, std::size_t limit,
                                      std::function<bool(const payment_request&)> visit,
                                      CompletionToken&& token = {}) const {
    return detail::initiate<walk_summary>(core_, &detail::start_for_each_payment_request, token,
                                          std::move(params), limit, std::move(visit));
  }

  /// Update Payment Request: PUT /paymentrequest/{id_or_code} with the members of `params`
  /// that are set. Completes with void(error_code, response<payment_request>) (the updated
  /// request). Refused before sending when nothing is set or an amount or item is malformed
  /// (check_update_payment_request_params), or the id is empty or over-long. Idempotent: it
  /// PUTs absolute values (with `send_notification`, a repeat may email the customer twice).
  /// The handler is never invoked from within this function.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_update_payment_request(std::string id_or_code, update_payment_request_params params,
                                    CompletionToken&& token = {}) const {
    return detail::initiate<payment_request>(core_, &detail::start_update_payment_request, token,
                                             std::move(id_or_code), std::move(params));
  }

  /// Archive Payment Request: POST /paymentrequest/archive/{id_or_code}. Completes with
  /// void(error_code, response<empty>) ("Payment request has been archived"). NOT a cancel
  /// (Paystack has none): the request leaves lists (unless include_archive) and can no longer
  /// be verified. An empty or over-long id is refused before sending. Idempotent (archiving
  /// twice leaves it archived). The handler is never invoked from within this function.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_archive_payment_request(std::string id_or_code, CompletionToken&& token = {}) const {
    return detail::initiate<empty>(core_, &detail::start_archive_payment_request, token,
                                   std::move(id_or_code));
  }

  /// Finalize Payment Request: POST /paymentrequest/finalize/{id_or_code}: a draft becomes
  /// pending and the customer is notified. Completes with
  /// void(error_code, response<payment_request>). An empty or over-long id is refused before
  /// sending. Never repeated once it may have reached the server (unsafe): fetch to check. The
  /// handler is never invoked from within this function.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_finalize_payment_request(std::string id_or_code, CompletionToken&& token = {}) const {
    return detail::initiate<payment_request>(core_, &detail::start_finalize_payment_request, token,
                                             std::move(id_or_code));
  }

  /// Send Notification: POST /paymentrequest/notify/{id_or_code}: Paystack sends the customer
  /// a reminder. Completes with void(error_code, response<empty>) ("Notification sent"). An
  /// empty or over-long id is refused before sending. Never repeated once it may have reached
  /// the server (unsafe: each call is another message to the customer). The handler is never
  /// invoked from within this function.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_send_payment_request_notification(std::string id_or_code,
                                               CompletionToken&& token = {}) const {
    return detail::initiate<empty>(core_, &detail::start_send_payment_request_notification, token,
                                   std::move(id_or_code));
  }

  /// Payment Request Totals: GET /paymentrequest/totals. Completes with
  /// void(error_code, response<payment_request_totals>): pending, successful and total amounts
  /// per currency. Idempotent. The handler is never invoked from within this function.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_fetch_payment_request_totals(CompletionToken&& token = {}) const {
    return detail::initiate<payment_request_totals>(
        core_, &detail::start_fetch_payment_request_totals, token);
  }

 private:
  terminal_client terminals_;
  std::shared_ptr<detail::client_core> core_;
};

}  // namespace v0
}  // namespace paystack
PAYSTACK_API_END
