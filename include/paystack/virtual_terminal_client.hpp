// paystack/virtual_terminal_client.hpp: Paystack's Virtual Terminal API, asynchronously.
//
// Same conventions as terminal_client (completion tokens, error model, thread safety,
// lifetime, cancellation, exceptions): read terminal_client.hpp first. Constructed from a
// terminal_client it shares that client's configuration and connections.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/deferred.hpp>
#include <cstddef>
#include <functional>
#include <memory>
#include <paystack/detail/virtual_terminal_operations.hpp>
#include <paystack/export.hpp>
#include <paystack/terminal_client.hpp>
#include <paystack/virtual_terminal.hpp>
#include <string>
#include <vector>

PAYSTACK_API_BEGIN
namespace paystack {
inline namespace v0 {

/// The nine Virtual Terminal operations and a lazy walk over the list.
///
/// Every async_* member completes with `void(boost::system::error_code, paystack::response<T>)`
/// (T named on each), and the handler is never invoked from within the initiating function.
/// Errors: arguments refused before sending give error::invalid_argument (response
/// error_detail says why, nothing is sent); transport failures give their error_code
/// (connection_failed, timeout, tls_failed...); a non-2xx reply or `status:false` is data
/// (ec clear, response.ok() false, message/type/code/next_step kept). Cancellation: the
/// handler's cancellation slot is honoured (terminal, partial, total) with operation_aborted;
/// for a write the request may already have reached Paystack (fetch before repeating).
/// Retry class: "idempotent" operations are repeated on network failures and 429/5xx replies
/// (doc/adr/0004-retries.md); "never repeated once sent" ones are not.
class virtual_terminal_client {
 public:
  /// The executor of the underlying terminal_client.
  using executor_type = boost::asio::any_io_executor;

  /// Shares `terminals`' configuration, transport and connections (a with() view included).
  explicit virtual_terminal_client(const terminal_client& terminals);

  /// Its own configuration and connections (same rules as terminal_client's constructor).
  virtual_terminal_client(executor_type executor, client_options options = {});

  /// The client's executor (handlers run there unless they have their own).
  executor_type get_executor() const noexcept { return terminals_.get_executor(); }

  /// Create Virtual Terminal: POST /virtual_terminal, T = virtual_terminal. Never repeated
  /// once sent (a repeat would create a second terminal). Refused before sending: an empty or
  /// too long name, no destinations or more than five, a destination without a phone-number
  /// target or a name, metadata that is not a JSON object, empty custom field names.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_create_virtual_terminal(create_virtual_terminal_params params,
                                     CompletionToken&& token = {}) const {
    return detail::initiate<virtual_terminal>(core_, &detail::start_create_virtual_terminal, token,
                                              std::move(params));
  }

  /// List Virtual Terminals: GET /virtual_terminal?status=&perPage=&page=&search=&next=&previous=,
  /// T = std::vector<virtual_terminal>. Idempotent. response.meta holds cursors or page
  /// numbers, whichever the server sent. Refused before sending: a status other than "active"
  /// or "inactive", per_page or page below 1, both cursors, a cursor longer than
  /// max_cursor_length, a search longer than max_id_length.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_list_virtual_terminals(list_virtual_terminals_params params = {},
                                    CompletionToken&& token = {}) const {
    return detail::initiate<std::vector<virtual_terminal>>(
        core_, &detail::start_list_virtual_terminals, token, std::move(params));
  }

  /// Fetch Virtual Terminal: GET /virtual_terminal/{code}, T = virtual_terminal. Idempotent.
  /// Refused before sending: an empty code or one longer than max_id_length.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_fetch_virtual_terminal(std::string code, CompletionToken&& token = {}) const {
    return detail::initiate<virtual_terminal>(core_, &detail::start_fetch_virtual_terminal, token,
                                              std::move(code));
  }

  /// Update Virtual Terminal: PUT /virtual_terminal/{code} {"name"}, T = empty. Idempotent
  /// (it sets an absolute value). The spec's reply carries the terminal, the docs show none:
  /// `data` is not read (it stays in raw_body), so a reply without it is still ok(). Refused
  /// before sending: a bad code, an empty or too long name.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_update_virtual_terminal(std::string code, update_virtual_terminal_params params,
                                     CompletionToken&& token = {}) const {
    return detail::initiate<empty>(core_, &detail::start_update_virtual_terminal, token,
                                   std::move(code), std::move(params));
  }

  /// Deactivate Virtual Terminal: PUT /virtual_terminal/{code}/deactivate (no body),
  /// T = empty. Idempotent (an inactive terminal stays inactive). Refused before sending: a
  /// bad code.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_deactivate_virtual_terminal(std::string code, CompletionToken&& token = {}) const {
    return detail::initiate<empty>(core_, &detail::start_deactivate_virtual_terminal, token,
                                   std::move(code));
  }

  /// Assign Destination: POST /virtual_terminal/{code}/destination/assign {"destinations"},
  /// T = std::vector<virtual_terminal_destination> (the destinations created). Never repeated
  /// once sent. Refused before sending: a bad code, no destinations or more than five, a
  /// destination without a phone-number target or a name.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_assign_destinations(std::string code, std::vector<destination_params> destinations,
                                 CompletionToken&& token = {}) const {
    return detail::initiate<std::vector<virtual_terminal_destination>>(
        core_, &detail::start_assign_virtual_terminal_destinations, token, std::move(code),
        std::move(destinations));
  }

  /// Unassign Destination: POST /virtual_terminal/{code}/destination/unassign {"targets"},
  /// T = empty. Never repeated once sent. Refused before sending: a bad code, no targets or
  /// more than five, a target that is not a phone number.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_unassign_destinations(std::string code, std::vector<std::string> targets,
                                   CompletionToken&& token = {}) const {
    return detail::initiate<empty>(core_, &detail::start_unassign_virtual_terminal_destinations,
                                   token, std::move(code), std::move(targets));
  }

  /// Add Split Code: PUT /virtual_terminal/{code}/split_code {"split_code"},
  /// T = split_code_info. Never repeated once sent (Paystack does not say a repeat is
  /// harmless). Refused before sending: a bad code or split code.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_add_split_code(std::string code, std::string split_code,
                            CompletionToken&& token = {}) const {
    return detail::initiate<split_code_info>(core_, &detail::start_add_virtual_terminal_split_code,
                                             token, std::move(code), std::move(split_code));
  }

  /// Remove Split Code: DELETE /virtual_terminal/{code}/split_code {"split_code"} (a DELETE
  /// with a JSON body), T = empty. Never repeated once sent. Refused before sending: a bad
  /// code or split code.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_remove_split_code(std::string code, std::string split_code,
                               CompletionToken&& token = {}) const {
    return detail::initiate<empty>(core_, &detail::start_remove_virtual_terminal_split_code, token,
                                   std::move(code), std::move(split_code));
  }

  /// Walks every Virtual Terminal across pages, lazily (one page in memory), T = walk_summary.
  /// Calls `visit` (on the client's strand) for each, in order, until `limit` were visited,
  /// `visit` returns false, or the last page was seen: no `meta.next` on a cursor page, `page`
  /// equal to `pageCount` on a numbered one. Each page is a list call (idempotent). data is
  /// always set; the other fields are those of the last page, so a failed page is reported
  /// with its message. A server that repeats a cursor or a page number ends the walk with
  /// error::bad_response. Refused before sending: limit 0, no visitor, bad list parameters.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_for_each_virtual_terminal(list_virtual_terminals_params params, std::size_t limit,
                                       std::function<bool(const virtual_terminal&)> visit,
                                       CompletionToken&& token = {}) const {
    return detail::initiate<walk_summary>(core_, &detail::start_for_each_virtual_terminal, token,
                                          std::move(params), limit, std::move(visit));
  }

 private:
  terminal_client terminals_;
  std::shared_ptr<detail::client_core> core_;
};

}  // namespace v0
}  // namespace paystack
PAYSTACK_API_END
