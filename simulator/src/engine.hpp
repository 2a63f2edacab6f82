#pragma once
// The simulator's model: its state (records.hpp) behind one mutex, and request handling free of
// sockets: an HTTP request in (already parsed), an HTTP response out. Used through respond()
// (http_server.hpp) by the Beast server and the fuzz target, and directly by the unit tests.
//
// One class, its members implemented in one file per thing simulated (doc/adr/sim-0002):
//   engine.cpp       construction, seeding, ids, lookups, customers; handle(): faults,
//                    authentication, rate limit, and route_api(), the table of API resources
//   routes/*.cpp     one file per API resource (terminals, events, payment_requests,
//                    payment_request_admin, virtual_terminals, transactions, refunds) and the
//                    /_sim control routes (sim_control, sim_control_pages, sim_ui)
//   devices.cpp      event delivery and payment settlement, as a terminal would do them
//   webhooks.cpp     webhook emission and the delivery log
//   control.cpp      the control operations (server.hpp's C++ API and /_sim)
//   fault.cpp        x-sim-fault specs and registered fault plans
//   wire.hpp         request/response types and answer envelopes

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "fault.hpp"
#include "limits.hpp"
#include "paystack/sim/server.hpp"
#include "records.hpp"
#include "wire.hpp"

namespace paystack::sim::detail {

/// Lower-case hex HMAC-SHA512 of `body` keyed with `key`.
std::string hmac_sha512_hex(std::string_view key, std::string_view body);

/// The simulator's model. Every public member is thread-safe (one mutex).
class engine {
 public:
  struct hooks {
    /// Runs `fn` after `delay` on the device-simulation thread. May be empty (nothing runs).
    std::function<void(std::chrono::milliseconds delay, std::function<void()> fn)> schedule;
    /// A webhook was emitted and must be sent (only called when a webhook URL is configured).
    std::function<void(std::uint64_t generation, std::uint64_t id, std::string body,
                       std::string signature)>
        webhook;
  };

  engine(server_options options, hooks h);

  /// Looks up the fault for a request: the x-sim-fault spec and/or a registered plan for the
  /// fault id. Counts down `times`. Returns an empty plan when nothing applies.
  fault_plan take_fault(std::string_view spec, std::string_view fault_id);

  /// Handles one request (faults with a status or html502 are answered here).
  http_response handle(const http_request& req, const fault_plan& fault);

  // Control operations (see server.hpp).
  std::vector<std::string> terminal_ids() const;
  std::vector<std::string> device_serials() const;
  std::optional<std::string> serial_of(std::string_view terminal_id) const;
  std::string add_terminal(std::string name);       // empty: max_devices reached
  std::string add_device(std::string serial = {});  // empty: exists, or max_devices reached
  control_result set_presence(std::string_view terminal_id, std::optional<bool> online,
                              std::optional<bool> available);
  control_result deliver_event(std::string_view event_id);
  control_result hold_event(std::string_view event_id);
  control_result approve_payment(std::string_view id_or_code);
  control_result decline_payment(std::string_view id_or_code);
  control_result walk_away(std::string_view id_or_code);
  /// The live page's view as one server-sent event frame (`data: <json>\n\n`); sim_ui.cpp.
  std::string ui_frame() const;
  control_result pay_offline(std::string_view offline_reference);  // magic_amounts.cpp
  void add_fault(std::string id, std::string spec, unsigned times);
  std::vector<webhook_delivery> webhook_log() const;
  bool wait_for_webhooks(std::size_t count, std::chrono::milliseconds timeout) const;
  void reset();
  /// The server's base URL ("http://127.0.0.1:PORT"), which export links start with (set once
  /// the port is bound; empty: the links are paths).
  void set_base_url(std::string url);

  /// Called by the webhook sender after each attempt. Ignored when `generation` is stale.
  void record_attempt(std::uint64_t generation, std::uint64_t id, webhook_attempt attempt,
                      webhook_status status);

  std::uint64_t generation() const;

  /// Shared with the HTTP server and the webhook sender (they count what they drop).
  sim_counters& counters() noexcept { return counters_; }

 private:
  using clock = std::chrono::steady_clock;

  // All *_locked functions expect mutex_ held.

  // engine.cpp: seeding, ids, lookups, customers, and the table of API resources. A new
  // resource gets its routes in routes/<resource>.cpp and one line in route_api(), as virtual
  // terminals, transactions and refunds did.
  void seed_locked();
  void reset_locked();
  std::string domain() const;
  std::string random_string(std::string_view alphabet, std::size_t n);
  std::string new_terminal_id_locked();
  std::string new_serial_locked();
  device& add_device_locked(std::string serial, bool commissioned, std::optional<std::string> name);
  device* find_terminal_locked(std::string_view terminal_id);
  payment_request* find_request_locked(std::string_view id_or_code);
  std::int64_t customer_for_locked(std::int64_t id, std::string code);
  /// The customer a list filter names (an id, or a known code); -1, which matches nothing, for
  /// an unknown code.
  std::int64_t customer_filter_locked(std::string_view id_or_code) const;
  boost::json::object customer_json(std::int64_t id, bool full) const;
  http_response route_api(const http_request& req, std::string_view path, std::string_view query);

  // routes/terminals.cpp: /terminal
  http_response list_terminals(std::string_view query);
  http_response fetch_terminal(std::string_view terminal_id);
  http_response update_terminal(std::string_view terminal_id, const http_request& req);
  http_response presence(std::string_view terminal_id);
  http_response commission(const http_request& req, bool commission);
  boost::json::object terminal_json(const device& d, bool with_split_code) const;

  // routes/events.cpp: /terminal/{id}/event
  http_response send_event(std::string_view terminal_id, const http_request& req);
  http_response event_status(std::string_view terminal_id, std::string_view event_id);
  void remember_event_locked(event e);

  // routes/payment_requests.cpp: /paymentrequest
  http_response create_request(const http_request& req);
  http_response fetch_request(std::string_view id_or_code, bool verify);
  http_response update_request(std::string_view id_or_code, const http_request& req);
  std::optional<http_response> apply_request_fields(const boost::json::object& body,
                                                    payment_request& pr, bool create);
  void store_request_locked(payment_request pr);
  boost::json::object request_webhook_json(const payment_request& pr, bool create) const;
  boost::json::object request_summary_json(const payment_request& pr) const;
  static http_response archived_answer();

  // routes/payment_request_admin.cpp: list, totals, archive, finalize, notify
  http_response list_requests(std::string_view query);
  http_response request_totals();
  http_response archive_request(std::string_view id_or_code);
  http_response finalize_request(std::string_view id_or_code);
  http_response notify_request(std::string_view id_or_code);

  // magic_amounts.cpp: what a magic amount makes the customer do; payment by offline reference
  bool magic_on_delivery_locked(payment_request& pr);
  void note_verify_locked(payment_request& pr);
  payment_request* find_by_reference_locked(std::string_view offline_reference);
  control_result pay_offline_locked(payment_request& pr);

  // routes/virtual_terminals.cpp: /virtual_terminal, and the payment of /_sim control
  http_response route_virtual_terminals(const http_request& req, std::span<std::string_view> seg,
                                        std::string_view query);
  http_response list_virtual_terminals(std::string_view query);
  http_response create_virtual_terminal(const http_request& req);
  http_response update_virtual_terminal(virtual_terminal& vt, const http_request& req);
  http_response assign_destinations(virtual_terminal& vt, const http_request& req);
  http_response unassign_destinations(virtual_terminal& vt, const http_request& req);
  http_response split_code_route(virtual_terminal& vt, const http_request& req, bool add);
  virtual_terminal* find_virtual_terminal_locked(std::string_view code);
  boost::json::object virtual_terminal_json(const virtual_terminal& vt, bool full) const;
  void reset_virtual_terminals_locked();
  http_response pay_virtual_terminal_locked(std::string_view code, const boost::json::object& body);
  // transactions.cpp: the payments taken. record_transaction_locked() is the one way a payment
  // becomes a transaction (terminal payments in devices.cpp; other payment sources call it too).
  struct new_transaction {
    std::int64_t amount = 0;
    std::string currency = "NGN";
    std::string channel = "pos";
    std::string source = "pos";    // source.source
    std::string terminal_id;       // source.identifier; empty: none
    std::int64_t customer_id = 0;  // 0: none
    std::string request_code;      // the payment request paid, if any
    std::string offline_reference;
    std::string reference_prefix = "pos_";
  };
  transaction_record& record_transaction_locked(new_transaction in);
  boost::json::object transaction_json(const transaction_record& t) const;
  transaction_record* find_transaction_locked(std::string_view id_or_reference);

  // routes/transactions.cpp: /transaction
  http_response list_transactions(std::string_view query);
  http_response fetch_transaction(std::string_view id);
  http_response verify_transaction(std::string_view reference);
  http_response transaction_totals(std::string_view query);

  // routes/refunds.cpp: /refund, and the refund lifecycle (refund_delay or /_sim advance)
  http_response create_refund(const http_request& req);
  http_response list_refunds(std::string_view query);
  http_response fetch_refund(std::string_view id);
  boost::json::object refund_json(const refund_record& r) const;
  boost::json::object refund_customer_json(std::int64_t customer_id) const;
  control_result advance_refund_locked(std::int64_t id);
  control_result refund_needs_attention_locked(std::int64_t id);
  http_response retry_refund(std::string_view id, const http_request& req);
  void emit_refund_locked(const refund_record& r);
  void schedule_refund_locked(const refund_record& r);

  // devices.cpp: what the terminals do, and what their screens show
  void schedule_delivery_locked(event& e);
  void deliver_locked(event& e);
  control_result settle_locked(payment_request& pr, bool approve);
  static void show_locked(device& d, screen_state s, std::int64_t request_id);
  /// The terminal whose screen shows `pr` (the one it was last delivered to), if any.
  device* screen_of_locked(const payment_request& pr);
  /// The customer leaves the terminal showing `pr` without paying: conflict unless pending, not
  /// archived, and shown there as an invoice.
  control_result walk_away_locked(payment_request& pr);

  // routes/settlements.cpp: /settlement, /transaction/export (and its download under /_sim),
  // /transaction/timeline
  struct settlement_group {
    std::int64_t id = 0;
    std::string day, currency;
    std::int64_t processed = 0, fees = 0, deductions = 0;
    std::vector<const transaction_record*> transactions;  // oldest first
  };
  struct export_filter {
    std::optional<std::string> from, to, status, subaccount;
    std::optional<std::int64_t> customer, settlement;
    std::chrono::system_clock::time_point expires;
  };
  std::vector<settlement_group> settlements_locked() const;
  boost::json::object settlement_json(const settlement_group& g) const;
  http_response list_settlements(std::string_view query);
  http_response settlement_transactions(std::string_view id, std::string_view query);
  http_response export_transactions(std::string_view query);
  http_response export_download(std::string_view file);
  http_response transaction_timeline(std::string_view id_or_reference);

  // webhooks.cpp
  void emit_locked(std::string_view name, std::string body);
  void drop_oldest_webhook_locked();

  // control.cpp
  control_result set_presence_locked(std::string_view terminal_id, std::optional<bool> online,
                                     std::optional<bool> available);
  control_result deliver_event_locked(std::string_view event_id);
  control_result hold_event_locked(std::string_view event_id);
  std::string add_terminal_locked(std::string name);
  bool devices_full_locked() const;

  // routes/sim_control.cpp: /_sim, its routes in groups (each answers nullopt for a route not
  // its own)
  http_response route_control(const http_request& req, std::string_view path);
  std::optional<http_response> control_state_route(const http_request& req,
                                                   std::span<const std::string_view> seg,
                                                   std::string_view path);
  std::optional<http_response> control_device_route(std::string_view method,
                                                    std::span<const std::string_view> seg,
                                                    const boost::json::object& body);
  std::optional<http_response> control_payment_route(std::string_view method,
                                                     std::span<const std::string_view> seg,
                                                     const boost::json::object& body);
  http_response register_fault_locked(const boost::json::object& body);
  // routes/sim_control_pages.cpp: GET /_sim/state, /_sim/webhooks pages and /_sim/stats.
  boost::json::value state_json_locked() const;
  std::optional<boost::json::object> webhook_page_locked(std::string_view query,
                                                         std::string& error) const;
  boost::json::object stats_json_locked() const;
  static std::size_t webhook_bytes(const webhook_delivery& w);
  // routes/sim_ui.cpp: GET /_sim/ui (the live page), its icon and its event stream.
  http_response route_ui(std::string_view path) const;
  boost::json::object ui_view_json_locked() const;

  server_options options_;
  hooks hooks_;

  mutable std::mutex mutex_;
  mutable std::condition_variable webhook_cv_;
  std::mt19937_64 rng_;
  std::uint64_t generation_ = 1;

  std::map<std::int64_t, device> devices_;  // by id: list order
  std::unordered_map<std::string, std::int64_t> by_serial_;
  std::unordered_map<std::string, std::int64_t> by_terminal_id_;
  std::int64_t next_device_id_ = 0;

  std::map<std::int64_t, payment_request> requests_;
  std::unordered_map<std::string, std::int64_t> by_request_code_;
  std::int64_t next_request_id_ = 0;
  std::int64_t next_invoice_number_ = 1;
  std::int64_t next_transaction_id_ = 0;

  std::map<std::int64_t, transaction_record> transactions_;  // by id: list order
  std::unordered_map<std::string, std::int64_t> by_transaction_reference_;
  std::map<std::int64_t, refund_record> refunds_;
  std::int64_t next_refund_id_ = 0;

  std::map<std::int64_t, customer> customers_;
  std::unordered_map<std::string, std::int64_t> by_customer_code_;
  std::int64_t next_customer_id_ = 0;

  std::map<std::int64_t, virtual_terminal> virtual_terminals_;  // by id: list order, newest last
  std::unordered_map<std::string, std::int64_t> by_vt_code_;
  std::int64_t next_vt_id_ = 26000;
  std::int64_t next_vt_destination_id_ = 27900;

  std::unordered_map<std::string, event> events_;
  std::deque<std::string> event_order_;

  std::string base_url_;                          // export links start with it
  std::map<std::string, export_filter> exports_;  // by token (routes/settlements.cpp)

  std::unordered_map<std::string, fault_entry> faults_;  // by fault id

  std::deque<webhook_delivery> webhook_log_;
  std::uint64_t next_webhook_id_ = 1;
  std::size_t webhook_log_bytes_ = 0;
  std::uint64_t webhook_log_dropped_ = 0;  // since start
  std::size_t request_bytes_ = 0;
  std::uint64_t requests_dropped_ = 0;      // since start, by either bound
  std::uint64_t transactions_dropped_ = 0;  // since start: the oldest, at state_limit
  std::uint64_t refunds_dropped_ = 0;       // since start: the oldest, at state_limit

  sim_counters counters_;

  clock::time_point window_start_{};
  unsigned window_count_ = 0;
};

/// Paystack's fee on a payment of `amount` subunits (routes/settlements.cpp; doc/simulator.md,
/// "Settlements"): 1.5% + 100 (main unit), the 100 waived under 2,500, capped at 2,000.
std::int64_t paystack_fee(std::int64_t amount);

}  // namespace paystack::sim::detail
