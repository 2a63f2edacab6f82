// paystack/payment_request_client.hpp: Payment Requests, the invoices a terminal collects.
//
// Same conventions as terminal_client (completion tokens, error model, thread safety,
// lifetime). Constructed from a terminal_client it shares that client's configuration and
// connections.
#pragma once

#include <paystack/detail/payment_request_operations.hpp>
#include <paystack/payment_request.hpp>
#include <paystack/terminal_client.hpp>

namespace paystack {

/// Payment Requests (the invoices a terminal collects), asynchronously: create, fetch, verify.
/// Same conventions as terminal_client (completion tokens, error model, thread safety,
/// lifetime, cancellation).
class payment_request_client {
 public:
  /// The executor the client runs its operations on (through a strand).
  using executor_type = boost::asio::any_io_executor;

  /// Shares `terminals`' configuration, transport and connections.
  explicit payment_request_client(const terminal_client& terminals);

  /// Its own configuration and connections (same rules as terminal_client's constructor).
  payment_request_client(executor_type executor, client_options options = {});

  /// The executor given to the constructor.
  executor_type get_executor() const noexcept { return terminals_.get_executor(); }

  /// Create Payment Request: POST /paymentrequest. Never repeated once the request may have
  /// reached the server. Refused before sending without a customer, or without an amount and
  /// line items.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_create_payment_request(create_payment_request_params params,
                                    CompletionToken&& token = {}) const {
    return detail::initiate<payment_request>(core_, &detail::start_create_payment_request, token,
                                             std::move(params));
  }

  /// Fetch Payment Request: GET /paymentrequest/{id_or_code}.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_fetch_payment_request(std::string id_or_code, CompletionToken&& token = {}) const {
    return detail::initiate<payment_request>(core_, &detail::start_fetch_payment_request, token,
                                             std::move(id_or_code));
  }

  /// Verify Payment Request: GET /paymentrequest/verify/{request_code}.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_verify_payment_request(std::string request_code, CompletionToken&& token = {}) const {
    return detail::initiate<payment_request>(core_, &detail::start_verify_payment_request, token,
                                             std::move(request_code));
  }

 private:
  terminal_client terminals_;
  std::shared_ptr<detail::client_core> core_;
};

}  // namespace paystack
