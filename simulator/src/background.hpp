#pragma once
// The device-simulation thread: timers for delivery/payment and the webhook sender.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "engine.hpp"

namespace paystack::sim::detail {

/// Where webhooks go, parsed from server_options::webhook_url.
struct webhook_target {
  std::string host;
  std::string port;
  std::string target;
};

/// Parses `http://host[:port][/path]`. Throws std::invalid_argument otherwise.
webhook_target parse_webhook_url(const std::string& url);

/// Owns one io_context thread. schedule() and send() may be called from any thread, before or
/// after start(); work queued after stop() is dropped.
class background {
 public:
  explicit background(const server_options& options);
  ~background();
  background(const background&) = delete;
  background& operator=(const background&) = delete;

  /// Must be called once, before start(); the engine must outlive this object's stop().
  void attach(engine& eng);
  void start();
  void stop() noexcept;

  void schedule(std::chrono::milliseconds delay, std::function<void()> fn);
  void send(std::uint64_t generation, std::uint64_t id, std::string body, std::string signature);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace paystack::sim::detail
