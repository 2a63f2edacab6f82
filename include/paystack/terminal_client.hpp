// paystack/terminal_client.hpp: every operation of Paystack's Terminal API, asynchronously.
//
// Each async_* member is an Asio initiating function: pass a completion token (a callback,
// asio::use_future, asio::use_awaitable, asio::deferred (the default), asio::as_tuple(...)).
// The completion signature is void(boost::system::error_code, paystack::response<T>).
//
//   ec set    : no usable reply (argument refused before sending, network, TLS, timeout,
//               cancellation, reply too large, reply not the JSON envelope). The response still
//               holds what is known: raw_body, status_code, error_detail.
//   ec clear  : the server replied with the envelope; check response.ok(). HTTP errors and
//               `status:false` are data, with message, type, code and next_step kept.
//
// Thread safety: a terminal_client is a cheap handle to shared state. Operations may be started
// from any thread, concurrently; the shared state is serialised on a strand of the client's
// executor. Completion handlers run on their associated executor (by default the client's).
// Arguments are copied; nothing passed by reference must outlive the call. Operations are const
// members: a const terminal_client& can start them.
// Lifetime: when the last handle (copies and with() views included) is destroyed, operations
// still in flight complete with boost::asio::error::operation_aborted and connections close.
// Cancellation: the handler's cancellation slot is honoured, every type alike (terminal,
// partial, total): the operation completes with operation_aborted and leaves nothing running.
// Total cancellation promises no side effect; that holds for reads and for a request that never
// left the client. For the writes (send_event, commission, decommission, update, and Create
// Payment Request) the request may already have reached Paystack when the cancellation comes:
// the outcome is then unknown; check it (fetch_event_status, fetch_terminal, verify) before
// repeating. async_charge_on_terminal ignores a total-only cancellation once its request may
// exist (charge.hpp).
// Exceptions: the library throws none of its own into the io_context. One thrown by a completion
// handler (or by async_for_each_terminal's visitor) leaves io_context::run() (Asio's rule),
// through the library's frames: catch inside handlers. use_future and use_awaitable hand errors
// to the caller instead of throwing them into the io_context.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <functional>
#include <memory>
#include <paystack/client_options.hpp>
#include <paystack/detail/initiate.hpp>
#include <paystack/detail/terminal_operations.hpp>
#include <paystack/event.hpp>
#include <paystack/export.hpp>
#include <paystack/response.hpp>
#include <paystack/terminal.hpp>
#include <string>
#include <vector>

PAYSTACK_API_BEGIN
namespace paystack {
inline namespace v0 {

// paystack::completion_signature<T> (void(error_code, response<T>)) and paystack::any_handler<T>
// (its any_completion_handler) are declared in <paystack/detail/initiate.hpp>.

/// Summary of a walk over a paged list (async_for_each_terminal, async_for_each_payment_request).
struct walk_summary {
  std::size_t visited = 0;  ///< items (terminals, payment requests) given to the visitor
  std::size_t pages = 0;    ///< pages fetched
};

/// Every operation of Paystack's Terminal API, asynchronously: a cheap, copyable handle to a
/// client's shared state (configuration, connections, strand). Each async_* member is an Asio
/// initiating function completing with void(boost::system::error_code, paystack::response<T>);
/// error model, thread safety, lifetime, cancellation and exceptions: the comment at the top of
/// this header.
class terminal_client {
 public:
  /// The executor the client runs its operations on (through a strand).
  using executor_type = boost::asio::any_io_executor;

  /// Creates a client. Never throws for configuration problems: a missing secret key, an
  /// invalid or insecure base URL make every operation complete with that error
  /// (see configuration_error()). Reads PAYSTACK_SECRET_KEY / PAYSTACK_BASE_URL when the
  /// options leave them empty.
  terminal_client(executor_type executor, client_options options = {});

  /// The executor given to the constructor.
  executor_type get_executor() const noexcept;

  /// The configuration problem every operation would report, or a clear error_code.
  boost::system::error_code configuration_error() const noexcept;
  /// Why configuration_error() is set, in words (never containing the key); empty when clear.
  const std::string& configuration_detail() const noexcept;

  /// The base URL in use (after environment lookup), e.g. "https://api.paystack.co".
  const std::string& base_url() const noexcept;

  /// The clock and sleep of this client (client_options::time, or the steady default). The
  /// charge flow takes its deadline, poll intervals and waits from it, so tests that inject a
  /// fake time source run its timeouts and polling without waiting.
  const std::shared_ptr<paystack::time_source>& time() const noexcept;

  /// A handle sharing this client's connections, with per-call overrides (e.g.
  /// `client.with({.retry = retry_policy{.max_attempts = 1}}).async_fetch_terminal(id)`).
  terminal_client with(const call_options& overrides) const;

  /// Commission Terminal: POST /terminal/commission_device {"serial_number": ...}.
  /// Paystack answers an already commissioned device with HTTP 200 and `status:false`
  /// (response.ok() is false). An empty serial number is refused before sending.
  ///
  /// @par Completion signature
  /// `void(boost::system::error_code ec, paystack::response<empty> r)`
  /// @par Errors
  ///   - error::invalid_argument, before anything is sent: a serial number that is empty or longer
  ///   than max_id_length (`r.error_detail` says which).
  ///   - the configuration error of configuration_error(), if any, before anything is sent.
  ///   - transport errors (error::connection_failed, error::timeout, error::tls_failed,
  ///     error::response_too_large), error::bad_response for a reply that is not the envelope,
  ///     boost::asio::error::operation_aborted when cancelled; `r` keeps what is known.
  ///   - ec clear with `!r.ok()`: Paystack answered with an error (4xx/5xx or `status:false`);
  ///     `r.message`, `r.code`, `r.next_step` say why.
  /// @par Retry
  /// never repeated once the request may have reached the server (ADR 0004): only when it
  /// provably did not (connection refused, name not resolved).
  /// @par Cancellation
  /// terminal, partial and total: completes with operation_aborted and nothing keeps running;
  /// the request may already have reached Paystack, so "total" promises no side effect only if
  /// it had not been written. Check the outcome before repeating.
  /// The handler is never invoked from within this function.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_commission_terminal(std::string serial_number, CompletionToken&& token = {}) const {
    return detail::initiate<empty>(core_, &detail::start_commission_terminal, token,
                                   std::move(serial_number));
  }

  /// Decommission Terminal: POST /terminal/decommission_device {"serial_number": ...}.
  ///
  /// @par Completion signature
  /// `void(boost::system::error_code ec, paystack::response<empty> r)`
  /// @par Errors
  ///   - error::invalid_argument, before anything is sent: a serial number that is empty or longer
  ///   than max_id_length (`r.error_detail` says which).
  ///   - the configuration error of configuration_error(), if any, before anything is sent.
  ///   - transport errors (error::connection_failed, error::timeout, error::tls_failed,
  ///     error::response_too_large), error::bad_response for a reply that is not the envelope,
  ///     boost::asio::error::operation_aborted when cancelled; `r` keeps what is known.
  ///   - ec clear with `!r.ok()`: Paystack answered with an error (4xx/5xx or `status:false`);
  ///     `r.message`, `r.code`, `r.next_step` say why.
  /// @par Retry
  /// never repeated once the request may have reached the server (ADR 0004): only when it
  /// provably did not (connection refused, name not resolved).
  /// @par Cancellation
  /// terminal, partial and total: completes with operation_aborted and nothing keeps running;
  /// the request may already have reached Paystack, so "total" promises no side effect only if
  /// it had not been written. Check the outcome before repeating.
  /// The handler is never invoked from within this function.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_decommission_terminal(std::string serial_number, CompletionToken&& token = {}) const {
    return detail::initiate<empty>(core_, &detail::start_decommission_terminal, token,
                                   std::move(serial_number));
  }

  /// Fetch Event Status: GET /terminal/{terminal_id}/event/{event_id}. Paystack keeps delivery
  /// status for 48 hours after the push. Unknown ids give status:false with code
  /// INVALID_PUSH_ID (response.code).
  ///
  /// @par Completion signature
  /// `void(boost::system::error_code ec, paystack::response<event_status> r)`
  /// @par Errors
  ///   - error::invalid_argument, before anything is sent: a terminal id that is empty or longer
  ///   than max_id_length, or such an event id (`r.error_detail` says which).
  ///   - the configuration error of configuration_error(), if any, before anything is sent.
  ///   - transport errors (error::connection_failed, error::timeout, error::tls_failed,
  ///     error::response_too_large), error::bad_response for a reply that is not the envelope,
  ///     boost::asio::error::operation_aborted when cancelled; `r` keeps what is known.
  ///   - ec clear with `!r.ok()`: Paystack answered with an error (4xx/5xx or `status:false`);
  ///     `r.message`, `r.code`, `r.next_step` say why.
  /// @par Retry
  /// idempotent: repeated on connection failures, timeouts, 429 and 5xx within
  /// client_options::retry (ADR 0004).
  /// @par Cancellation
  /// terminal, partial and total: completes with operation_aborted; nothing keeps running and
  /// nothing was changed at Paystack (a read).
  /// The handler is never invoked from within this function.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_fetch_event_status(std::string terminal_id, std::string event_id,
                                CompletionToken&& token = {}) const {
    return detail::initiate<event_status>(core_, &detail::start_fetch_event_status, token,
                                          std::move(terminal_id), std::move(event_id));
  }

  /// Fetch Terminal: GET /terminal/{terminal_id}.
  ///
  /// @par Completion signature
  /// `void(boost::system::error_code ec, paystack::response<terminal> r)`
  /// @par Errors
  ///   - error::invalid_argument, before anything is sent: a terminal id that is empty or longer
  ///   than max_id_length (`r.error_detail` says which).
  ///   - the configuration error of configuration_error(), if any, before anything is sent.
  ///   - transport errors (error::connection_failed, error::timeout, error::tls_failed,
  ///     error::response_too_large), error::bad_response for a reply that is not the envelope,
  ///     boost::asio::error::operation_aborted when cancelled; `r` keeps what is known.
  ///   - ec clear with `!r.ok()`: Paystack answered with an error (4xx/5xx or `status:false`);
  ///     `r.message`, `r.code`, `r.next_step` say why.
  /// @par Retry
  /// idempotent: repeated on connection failures, timeouts, 429 and 5xx within
  /// client_options::retry (ADR 0004).
  /// @par Cancellation
  /// terminal, partial and total: completes with operation_aborted; nothing keeps running and
  /// nothing was changed at Paystack (a read).
  /// The handler is never invoked from within this function.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_fetch_terminal(std::string terminal_id, CompletionToken&& token = {}) const {
    return detail::initiate<terminal>(core_, &detail::start_fetch_terminal, token,
                                      std::move(terminal_id));
  }

  /// Fetch Terminal Status (presence): GET /terminal/{terminal_id}/presence.
  ///
  /// @par Completion signature
  /// `void(boost::system::error_code ec, paystack::response<terminal_status> r)`
  /// @par Errors
  ///   - error::invalid_argument, before anything is sent: a terminal id that is empty or longer
  ///   than max_id_length (`r.error_detail` says which).
  ///   - the configuration error of configuration_error(), if any, before anything is sent.
  ///   - transport errors (error::connection_failed, error::timeout, error::tls_failed,
  ///     error::response_too_large), error::bad_response for a reply that is not the envelope,
  ///     boost::asio::error::operation_aborted when cancelled; `r` keeps what is known.
  ///   - ec clear with `!r.ok()`: Paystack answered with an error (4xx/5xx or `status:false`);
  ///     `r.message`, `r.code`, `r.next_step` say why.
  /// @par Retry
  /// idempotent: repeated on connection failures, timeouts, 429 and 5xx within
  /// client_options::retry (ADR 0004).
  /// @par Cancellation
  /// terminal, partial and total: completes with operation_aborted; nothing keeps running and
  /// nothing was changed at Paystack (a read).
  /// The handler is never invoked from within this function.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_fetch_terminal_status(std::string terminal_id, CompletionToken&& token = {}) const {
    return detail::initiate<terminal_status>(core_, &detail::start_fetch_terminal_status, token,
                                             std::move(terminal_id));
  }

  /// List Terminals: GET /terminal?perPage=&next=&previous=. The cursors of the page are in
  /// response.meta.
  ///
  /// @par Completion signature
  /// `void(boost::system::error_code ec, paystack::response<std::vector<terminal>> r)`
  /// @par Errors
  ///   - error::invalid_argument, before anything is sent: per_page below 1, both next and
  ///   previous, or a cursor longer than max_cursor_length (`r.error_detail` says which).
  ///   - the configuration error of configuration_error(), if any, before anything is sent.
  ///   - transport errors (error::connection_failed, error::timeout, error::tls_failed,
  ///     error::response_too_large), error::bad_response for a reply that is not the envelope,
  ///     boost::asio::error::operation_aborted when cancelled; `r` keeps what is known.
  ///   - ec clear with `!r.ok()`: Paystack answered with an error (4xx/5xx or `status:false`);
  ///     `r.message`, `r.code`, `r.next_step` say why.
  /// @par Retry
  /// idempotent: repeated on connection failures, timeouts, 429 and 5xx within
  /// client_options::retry (ADR 0004).
  /// @par Cancellation
  /// terminal, partial and total: completes with operation_aborted; nothing keeps running and
  /// nothing was changed at Paystack (a read).
  /// The handler is never invoked from within this function.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_list_terminals(list_terminals_params params = {}, CompletionToken&& token = {}) const {
    return detail::initiate<std::vector<terminal>>(core_, &detail::start_list_terminals, token,
                                                   std::move(params));
  }

  /// Send Event: POST /terminal/{terminal_id}/event. Never repeated once the request may have
  /// reached the server (a repeated push prompts the customer twice). response.data->id is the
  /// event id for async_fetch_event_status.
  ///
  /// @par Completion signature
  /// `void(boost::system::error_code ec, paystack::response<event_ack> r)`
  /// @par Errors
  ///   - error::invalid_argument, before anything is sent: a terminal id that is empty or longer
  ///   than max_id_length, an event data id that is not positive, or an invoice event without the
  ///   offline reference (`r.error_detail` says which).
  ///   - the configuration error of configuration_error(), if any, before anything is sent.
  ///   - transport errors (error::connection_failed, error::timeout, error::tls_failed,
  ///     error::response_too_large), error::bad_response for a reply that is not the envelope,
  ///     boost::asio::error::operation_aborted when cancelled; `r` keeps what is known.
  ///   - ec clear with `!r.ok()`: Paystack answered with an error (4xx/5xx or `status:false`);
  ///     `r.message`, `r.code`, `r.next_step` say why.
  /// @par Retry
  /// never repeated once the request may have reached the server (ADR 0004): only when it
  /// provably did not (connection refused, name not resolved).
  /// @par Cancellation
  /// terminal, partial and total: completes with operation_aborted and nothing keeps running;
  /// the request may already have reached Paystack, so "total" promises no side effect only if
  /// it had not been written. Check the outcome before repeating.
  /// The handler is never invoked from within this function.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_send_event(std::string terminal_id, terminal_event event,
                        CompletionToken&& token = {}) const {
    return detail::initiate<event_ack>(core_, &detail::start_send_event, token,
                                       std::move(terminal_id), std::move(event));
  }

  /// Update Terminal: PUT /terminal/{terminal_id} with name and/or address (at least one).
  ///
  /// @par Completion signature
  /// `void(boost::system::error_code ec, paystack::response<empty> r)`
  /// @par Errors
  ///   - error::invalid_argument, before anything is sent: a terminal id that is empty or longer
  ///   than max_id_length, or neither name nor address (`r.error_detail` says which).
  ///   - the configuration error of configuration_error(), if any, before anything is sent.
  ///   - transport errors (error::connection_failed, error::timeout, error::tls_failed,
  ///     error::response_too_large), error::bad_response for a reply that is not the envelope,
  ///     boost::asio::error::operation_aborted when cancelled; `r` keeps what is known.
  ///   - ec clear with `!r.ok()`: Paystack answered with an error (4xx/5xx or `status:false`);
  ///     `r.message`, `r.code`, `r.next_step` say why.
  /// @par Retry
  /// idempotent: repeated on connection failures, timeouts, 429 and 5xx within
  /// client_options::retry (ADR 0004).
  /// @par Cancellation
  /// terminal, partial and total: completes with operation_aborted and nothing keeps running;
  /// the request may already have reached Paystack, so "total" promises no side effect only if
  /// it had not been written. Check the outcome before repeating.
  /// The handler is never invoked from within this function.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_update_terminal(std::string terminal_id, update_terminal_params params,
                             CompletionToken&& token = {}) const {
    return detail::initiate<empty>(core_, &detail::start_update_terminal, token,
                                   std::move(terminal_id), std::move(params));
  }

  /// Walks every terminal across pages, lazily: one page in memory at a time. Calls `visit`
  /// (on the client's strand) for each terminal, in order, until `limit` terminals were
  /// visited, `visit` returns false, or the last page (no `meta.next`) was seen. Starts at the
  /// cursor in `params` (first page when empty).
  ///
  /// Completes with response<walk_summary>: data is always set; the other fields are those of
  /// the last page fetched, so a page that failed (`!ok()`) is reported with its message. A
  /// server that repeats a cursor ends the walk with error::bad_response.
  ///
  /// @par Completion signature
  /// `void(boost::system::error_code ec, paystack::response<walk_summary> r)`
  /// @par Errors
  ///   - error::invalid_argument, before anything is sent: as async_list_terminals, a limit of 0,
  ///   or an empty visitor (`r.error_detail` says which).
  ///   - the configuration error of configuration_error(), if any, before anything is sent.
  ///   - transport errors (error::connection_failed, error::timeout, error::tls_failed,
  ///     error::response_too_large), error::bad_response for a reply that is not the envelope,
  ///     boost::asio::error::operation_aborted when cancelled; `r` keeps what is known.
  ///   - ec clear with `!r.ok()`: Paystack answered with an error (4xx/5xx or `status:false`);
  ///     `r.message`, `r.code`, `r.next_step` say why.
  /// @par Retry
  /// each page as async_list_terminals.
  /// @par Cancellation
  /// terminal, partial and total: completes with operation_aborted between or during pages;
  /// the visitor is not called again.
  /// The handler is never invoked from within this function.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_for_each_terminal(list_terminals_params params, std::size_t limit,
                               std::function<bool(const terminal&)> visit,
                               CompletionToken&& token = {}) const {
    return detail::initiate<walk_summary>(core_, &detail::start_for_each_terminal, token,
                                          std::move(params), limit, std::move(visit));
  }

 private:
  friend class payment_request_client;
  friend class virtual_terminal_client;
  friend class transaction_client;
  friend class refund_client;
  friend class settlement_client;

  std::shared_ptr<detail::client_handle> handle_;
  std::shared_ptr<detail::client_core> core_;
};

}  // namespace v0
}  // namespace paystack
PAYSTACK_API_END
