// A transport decorator for tests against paystack-sim: the built-in transport, with the
// simulator's x-sim-fault headers chosen per request.
#pragma once

#include <atomic>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <functional>
#include <memory>
#include <paystack/transport.hpp>
#include <string>

#include "http/builtin_transport.hpp"  // the built-in transport (tests see src/)

namespace paystack::test {

/// The built-in transport, with x-sim-fault headers chosen per request by `pick`.
class fault_headers : public transport {
 public:
  using picker = std::function<std::string(const http_request&)>;
  fault_headers(std::shared_ptr<transport> inner, picker pick)
      : inner_(std::move(inner)), pick_(std::move(pick)) {}

  void async_send(const http_request& request, clock::time_point deadline,
                  handler_type handler) override {
    namespace asio = boost::asio;
    const auto n = ++sent_;
    // The decorated copy lives until the handler runs; executor and cancellation slot are kept.
    auto r = std::make_shared<http_request>(request);
    if (auto spec = pick_(request); !spec.empty()) {
      r->headers.emplace_back("x-sim-fault", spec);
      r->headers.emplace_back("x-sim-fault-id", "c" + std::to_string(n));
    }
    auto slot = asio::get_associated_cancellation_slot(handler);
    auto ex = asio::get_associated_executor(handler);
    const http_request& sent = *r;
    inner_->async_send(
        sent, deadline,
        asio::bind_cancellation_slot(
            slot, asio::bind_executor(ex, [r, h = std::move(handler)](boost::system::error_code ec,
                                                                      http_reply reply) mutable {
              std::move(h)(ec, std::move(reply));
            })));
  }
  void shutdown() noexcept override { inner_->shutdown(); }
  /// Requests sent so far.
  std::size_t sent() const { return sent_; }

 private:
  std::shared_ptr<transport> inner_;
  picker pick_;  // called on the client's strand
  std::atomic<std::size_t> sent_{0};
};

/// The built-in transport to `base_url` (a simulator), decorated with `pick`. Null when the
/// base URL or the transport cannot be set up (the reason goes to `why`).
inline std::shared_ptr<fault_headers> make_fault_transport(boost::asio::io_context& io,
                                                           const std::string& base_url,
                                                           fault_headers::picker pick,
                                                           std::string& why) {
  detail::endpoint ep;
  if (detail::parse_endpoint(base_url, false, ep, why)) return nullptr;
  boost::system::error_code ec;
  auto inner = detail::make_builtin_transport(boost::asio::make_strand(io), ep, {}, ec, why);
  if (ec) return nullptr;
  return std::make_shared<fault_headers>(std::move(inner), std::move(pick));
}

}  // namespace paystack::test
