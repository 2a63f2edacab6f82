// charge_service's state, shared by charge_service.cpp (charges, housekeeping, drain) and
// service_api.cpp (the HTTP routes). Everything here runs on `strand`.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <paystack/charge_service.hpp>
#include <string>
#include <vector>

#include "http_server.hpp"

namespace paystack {
inline namespace v0 {

/// A charge this process runs (started or resumed).
struct running_charge {
  boost::asio::cancellation_signal cancel;
  std::uint64_t changes = 0;  ///< progress seen (wakes watchers)
  std::string terminal_id;
};

/// What a charge's presence check last said about a terminal.
struct presence_seen {
  terminal_status status;
  std::int64_t at_ms = 0;
  std::int64_t last_seen_ms = 0;  ///< last seen online (0: not yet)
};

struct charge_service::impl : std::enable_shared_from_this<impl> {
  impl(boost::asio::any_io_executor ex, terminal_client c, charge_service_options o);

  boost::asio::any_io_executor executor;
  boost::asio::strand<boost::asio::any_io_executor> strand;
  terminal_client client;
  charge_service_options options;
  std::unique_ptr<serve::http_server> http;
  std::unique_ptr<webhook_server> hooks;
  std::shared_ptr<webhook_feed> feed;  ///< what charges get as params.webhooks (may be null)
  boost::asio::steady_timer housekeeping_timer;
  boost::asio::steady_timer drain_timer;
  boost::asio::steady_timer presence_timer;
  std::map<std::string, std::shared_ptr<running_charge>> running;
  std::multimap<std::string, boost::asio::steady_timer*> watchers;
  std::map<std::string, presence_seen> presence;
  std::vector<boost::asio::any_completion_handler<drain_signature>> drain_waiters;
  bool draining = false;
  bool stopped = false;
  bool housekeeping_busy = false;
  bool presence_busy = false;
  std::atomic<bool> started{false};
  // /readyz's Paystack check, at most once per 15 s.
  std::chrono::steady_clock::time_point paystack_checked{};
  bool paystack_ok = false;

  std::atomic<std::uint64_t> started_count{0}, replayed{0}, resumed{0}, finished{0},
      refused_busy{0}, unauthorized{0}, bad_requests{0}, reconciles{0};
  std::atomic<std::size_t> in_flight{0};

  // ---- charge_service.cpp ----
  /// Runs `p` (key and store set) on `terminal_id`, or resumes p.key when `resume`.
  void run_charge(std::string terminal_id, charge_params p, bool resume);
  /// Wakes the watchers of `key`.
  void notify(const std::string& key);
  /// A number that changes whenever `key`'s local charge moves (or ends).
  std::uint64_t generation(const std::string& key) const;
  /// Waits until `key` changes here, watch_interval passes, or `until`.
  boost::asio::awaitable<void> wait_change(const std::string& key,
                                           std::chrono::steady_clock::time_point until);
  boost::asio::awaitable<void> housekeeping();
  boost::asio::awaitable<void> resume_unfinished();
  void schedule_housekeeping();
  void start_drain(boost::asio::any_completion_handler<drain_signature> h);
  void finish_drain();
  void complete_drain();
  void stop_all();

  // ---- presence.cpp ----
  /// Records what a presence check said of `terminal_id` (the map, and the terminal metrics).
  void saw_presence(const std::string& terminal_id, const terminal_status& status);
  /// Every presence_interval: the integration's terminals (one page) and each one's presence.
  void schedule_presence();
  boost::asio::awaitable<void> presence_round();

  // ---- service_api.cpp ----
  /// The HTTP application.
  boost::asio::awaitable<void> handle(serve::http_request& req, serve::responder& res);
};

}  // namespace v0
}  // namespace paystack
