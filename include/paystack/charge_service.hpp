// paystack/charge_service.hpp: the exactly-once charge engine as a local HTTP/JSON service
// (`paystack-terminal serve`, doc/serve.md; the API: doc/serve-openapi.yaml).
//
// A charge_service listens on one address and answers:
//   POST /v1/charges                 start a charge (202 + Location); the same key and body: 200
//                                    and the current document (never a second charge); the
//                                    same key with another body: 409 key_reused
//   GET  /v1/charges/{key}[?wait=S]  the charge document; wait holds the answer up to S (<= 60)
//                                    seconds until the charge finishes
//   GET  /v1/charges/{key}/events    text/event-stream of the journal, closed when it finishes
//   POST /v1/charges/{key}/cancel    async_cancel_charge; a paid charge: 409 already_paid
//   GET  /v1/charges?open=&limit=&after=   a page of charges
//   GET  /v1/terminals               the integration's terminals and their last presence seen
//   GET  /healthz, GET /readyz       liveness; readiness (store and Paystack reachable, not
//                                    draining; else 503). Both without a token.
// Every /v1/ request needs `Authorization: Bearer <token>` (compared in constant time; 401).
// Errors are `{"error":{"code","message"[,"field"]}}`: 400 (the field named), 401, 404, 405,
// 409, 413 (a body over max_body_bytes), 415 (not application/json), 429 (max_in_flight
// charges running here), 503 (draining, or the store could not be asked).
//
// The key decides: a charge is started only when this service's async_begin inserted its record
// into the store (charge_store::async_begin is atomic), so the same key sent twice at once, to
// two instances sharing a PostgreSQL store, or after a restart, runs one charge. Charges run with
// async_charge_on_terminal (params from charge_service_options::defaults); in the background,
// every housekeeping_interval, unfinished charges nobody runs (no live lease, no record written
// for two lease lifetimes) are resumed (async_resume_charge) and open ones reconciled
// (async_reconcile_charges). A webhook listener (webhook_server with the store) can be started
// with the service: its feed (or, on PostgreSQL, the store's shared inbox) reaches every charge.
#pragma once

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/deferred.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <paystack/charge.hpp>
#include <paystack/charge_recovery.hpp>
#include <paystack/charge_store.hpp>
#include <paystack/export.hpp>
#include <paystack/terminal_client.hpp>
#include <paystack/webhook_server.hpp>
#include <string>

PAYSTACK_API_BEGIN
namespace paystack {
inline namespace v0 {

/// Configuration of a charge_service: where it listens, its token, its store and its bounds
/// (doc/server-bounds.md, "Charge service").
struct charge_service_options {
  /// Listen address and port (0: an ephemeral port, read it with port()).
  std::string bind_address = "127.0.0.1";
  std::uint16_t port = 0;  ///< see bind_address
  /// The API token every /v1/ request must present as `Authorization: Bearer <token>`. At least
  /// 16 characters; start() throws std::invalid_argument otherwise. Never logged or echoed.
  std::string token;
  /// Where charges are journalled (open_charge_store). Required: the key's record in it decides
  /// that a key is one charge.
  std::shared_ptr<charge_store> store;
  /// What every charge runs with: timeouts, poll intervals, lease_ttl, webhooks. customer,
  /// amount, currency, description, key, store, wait_for_terminal and keep_open come from each
  /// request (on_progress is the service's own).
  charge_params defaults;
  /// Charges running in this process at most (started and resumed): a new one over it is
  /// answered 429 too_many_charges (nothing recorded, nothing sent). Default 1,000.
  std::size_t max_in_flight = 1000;
  /// Request bodies over this are answered 413 (before they are read in full). Default 16 KiB.
  std::size_t max_body_bytes = 16 * 1024;
  /// The request line and header fields: over it, 431 and the connection closed. Default 16 KiB.
  std::size_t max_header_bytes = 16 * 1024;
  /// From accepting a connection (or the end of the previous answer: idle keep-alive time
  /// included) to the end of the next header block; slower: closed without an answer. 30 s.
  std::chrono::milliseconds header_timeout{30'000};
  /// Time to read one body and to write each answer (or each event of a stream). 10 s.
  std::chrono::milliseconds io_timeout{10'000};
  /// Open connections at most (long polls and event streams included); more are closed on
  /// accept. Default 1,024.
  std::size_t max_connections = 1024;
  /// Open connections from one address at most (IPv4-mapped IPv6 counts as IPv4); more are
  /// closed on accept. Behind a proxy every connection is the proxy's: raise it. Default 256.
  std::size_t max_connections_per_source = 256;
  /// Longest ?wait= of GET /v1/charges/{key}: a larger one is 400. Default 60 s.
  std::chrono::seconds max_wait{60};
  /// Longest an event stream stays open (then it is closed; the client reconnects). 10 min.
  std::chrono::milliseconds max_stream{std::chrono::minutes(10)};
  /// How often charges run by other processes (or finished before a wait began) are looked at
  /// by a waiting request or event stream; this process's own charges wake them at once.
  /// Default 250 ms.
  std::chrono::milliseconds watch_interval{250};
  /// Resume and reconcile at start and then this often; 0: never (tests drive it with
  /// run_housekeeping()). Default 30 s.
  std::chrono::milliseconds housekeeping_interval{30'000};
  /// Checks the presence of the integration's terminals (the first 100 of List Terminals, then
  /// Fetch Terminal Status each) at start and then this often, as housekeeping calls of the
  /// rate budget (classify_request): GET /v1/terminals and the metrics paystack_terminal_up and
  /// paystack_terminal_last_seen_timestamp_seconds show what it saw. 0: never (the default;
  /// charges' own presence checks still update what GET /v1/terminals shows).
  std::chrono::milliseconds presence_interval{0};
  /// What the reconciler does each round.
  reconcile_params reconcile;
  /// drain(): how long running charges may go on before they are stopped (left journaled for
  /// any instance to resume). Default 30 s.
  std::chrono::milliseconds drain_timeout{30'000};
  /// Called with each progress of a charge run here (its key, its terminal; stage changes and
  /// polls, then `done` with "<outcome>: <reason>"), on the charge's strand: for logs. Must not
  /// throw or block.
  std::function<void(const std::string& key, const std::string& terminal_id,
                     const charge_progress& progress)>
      on_progress;
  /// When set, a webhook_server is started with the service on these options, recording into
  /// `store` (options.store is overwritten) and handing each event to the charges.
  std::optional<webhook_server_options> webhooks;
};

/// Counters (monotonic) of what the service did.
struct charge_service_stats {
  std::uint64_t requests = 0;             ///< HTTP requests answered
  std::uint64_t started = 0;              ///< charges started by POST /v1/charges
  std::uint64_t replayed = 0;             ///< POST /v1/charges answered 200 (the key existed)
  std::uint64_t resumed = 0;              ///< charges resumed by housekeeping
  std::uint64_t finished = 0;             ///< charges run here that completed
  std::uint64_t refused_busy = 0;         ///< 429
  std::uint64_t unauthorized = 0;         ///< 401
  std::uint64_t bad_requests = 0;         ///< 400, 404, 405, 413, 415
  std::uint64_t reconciles = 0;           ///< reconcile rounds run
  std::uint64_t connections_refused = 0;  ///< closed on accept: a connection limit was full
  std::uint64_t timed_out = 0;            ///< connections closed for a late header block
  std::size_t in_flight = 0;              ///< charges running here now
};

/// Completion signature of charge_service::async_drain.
using drain_signature = void(boost::system::error_code);

class charge_service;
namespace detail {
void start_drain(charge_service& s, boost::asio::any_completion_handler<drain_signature> h);
}

/// The service. Thread safety: start(), stop(), port(), url(), stats(), async_drain() and
/// run_housekeeping() may be called from any thread; everything else runs on one strand of the
/// executor given to the constructor (run it: an io_context thread or a pool). Lifetime: the
/// destructor calls stop(); the executor must outlive the service's work (charges hold the
/// state they need).
class charge_service {
 public:
  /// Creates a service over `client` (its key, base URL, rate budget and connections); nothing
  /// is bound before start().
  charge_service(boost::asio::any_io_executor executor, terminal_client client,
                 charge_service_options options);
  ~charge_service();
  charge_service(const charge_service&) = delete;
  charge_service& operator=(const charge_service&) = delete;

  /// Binds, listens, starts the webhook listener (when configured) and the housekeeping timer.
  /// Throws std::invalid_argument (no store, a token under 16 characters, a webhook listener
  /// without a secret key), boost::system::system_error when binding fails, std::logic_error
  /// when called twice.
  void start();
  /// Closes the listeners and every connection, and stops (cancels) the charges still running
  /// here: they stay journaled for any instance to resume. Idempotent; safe before start().
  void stop() noexcept;

  /// Drains: /readyz answers 503 and new charges 503 draining at once; running charges go on
  /// for options.drain_timeout, then the rest are stopped (journaled, left for resume); a charge
  /// still not ended 15 s after being stopped (a call that answers nothing) is left as after a
  /// crash (its records are durable: any instance resumes it); then the listeners close, so a
  /// drain ends within drain_timeout + 15 s. Completion: void(error_code), always success; the
  /// handler runs on its associated executor (default: the service's) and never from within this
  /// function. Cancellation: not supported.
  template <class CompletionToken = boost::asio::deferred_t>
  auto async_drain(CompletionToken&& token = {}) {
    return boost::asio::async_initiate<CompletionToken, drain_signature>(
        [this](auto h) {
          detail::start_drain(*this,
                              boost::asio::any_completion_handler<drain_signature>(std::move(h)));
        },
        token);
  }

  /// Runs one housekeeping round now (resume, then reconcile), unless one is running.
  void run_housekeeping();

  /// The bound API port (after start()).
  std::uint16_t port() const noexcept;
  /// `http://<bind_address>:<port>`.
  std::string url() const;
  /// The webhook listener's URL (empty without one).
  std::string webhook_url() const;
  /// Counters of what the service did so far.
  charge_service_stats stats() const noexcept;

  struct impl;  ///< (internal)

 private:
  friend void detail::start_drain(charge_service&,
                                  boost::asio::any_completion_handler<drain_signature>);
  std::shared_ptr<impl> impl_;
};

}  // namespace v0
}  // namespace paystack
PAYSTACK_API_END
