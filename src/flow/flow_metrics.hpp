// The flow's and the stores' series in metrics::default_registry() (doc/operations.md), registered
// through the public paystack/metrics.hpp: the charges (charge_flow::run), the stores
// (engine_store, the PostgreSQL store), the webhook receiver, the leases and the fleet's inbox and
// rate budget. Each is fed from the one place the thing happens. Label values come from fixed sets
// (outcomes, stages, store operations, event types): never a key, a code or an amount.
#pragma once

#include <array>
#include <chrono>
#include <paystack/metrics.hpp>
#include <string_view>

namespace paystack {
inline namespace v0 {
namespace detail::flow_metrics {

struct families {
  metrics::family<metrics::counter>& charges;
  metrics::family<metrics::histogram>& charge_duration;
  metrics::gauge& in_flight;
  metrics::family<metrics::histogram>& store;
  metrics::family<metrics::counter>& webhooks;
  metrics::gauge& leases;
  metrics::histogram& inbox_lag;
  metrics::gauge& budget_tokens;
};

inline families& get() {
  static families f = [] {
    auto& r = metrics::default_registry();
    return families{
        r.add_counter("paystack_charges_total", "Charges ended, by outcome.", {"outcome"}),
        r.add_histogram("paystack_charge_duration_seconds",
                        "Time from a charge's start to its outcome, by outcome.", {"outcome"},
                        {1, 2, 5, 10, 20, 30, 60, 120, 180, 300, 600}),
        r.add_gauge("paystack_charges_in_flight", "Charges running in this process.").with(),
        r.add_histogram("paystack_store_operation_duration_seconds",
                        "Time of one charge store operation, by engine and operation.",
                        {"store", "operation"},
                        {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5}),
        r.add_counter("paystack_webhooks_total",
                      "Webhook deliveries received, by event type and result.",
                      {"event", "result"}),
        r.add_gauge("paystack_leases_held", "Terminal leases this process holds.").with(),
        r.add_histogram("paystack_inbox_lag_seconds",
                        "From a webhook stored by one instance to its being seen by the instance "
                        "waiting for it.",
                        {}, {0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10})
            .with(),
        r.add_gauge("paystack_rate_budget_tokens",
                    "Tokens the rate budget holds (the shared one: as last seen here).")
            .with()};
  }();
  return f;
}

/// Times one store operation: records its duration when it goes out of scope.
class store_timer {
 public:
  store_timer(std::string_view store, std::string_view operation)
      : store_(store), operation_(operation), t0_(std::chrono::steady_clock::now()) {}
  ~store_timer() {
    const std::chrono::duration<double> d = std::chrono::steady_clock::now() - t0_;
    try {
      get().store.with({store_, operation_}).observe(d.count());
    } catch (...) {
      // metrics never break a store operation
    }
  }
  store_timer(const store_timer&) = delete;
  store_timer& operator=(const store_timer&) = delete;

 private:
  std::string_view store_, operation_;
  std::chrono::steady_clock::time_point t0_;
};

/// The event label of a verified webhook: its type when Paystack documents it, else "other"
/// (the receiver's label for an unverified or unreadable delivery is "unknown").
inline std::string_view event_label(std::string_view event) noexcept {
  static constexpr std::array<std::string_view, 24> known{"charge.success",
                                                          "charge.dispute.create",
                                                          "charge.dispute.remind",
                                                          "charge.dispute.resolve",
                                                          "paymentrequest.pending",
                                                          "paymentrequest.success",
                                                          "invoice.create",
                                                          "invoice.update",
                                                          "invoice.payment_failed",
                                                          "refund.pending",
                                                          "refund.processing",
                                                          "refund.processed",
                                                          "refund.failed",
                                                          "transfer.success",
                                                          "transfer.failed",
                                                          "transfer.reversed",
                                                          "subscription.create",
                                                          "subscription.disable",
                                                          "subscription.not_renew",
                                                          "subscription.expiring_cards",
                                                          "customeridentification.success",
                                                          "customeridentification.failed",
                                                          "dedicatedaccount.assign.success",
                                                          "dedicatedaccount.assign.failed"};
  for (auto k : known) {
    if (k == event) return k;
  }
  return "other";
}

/// Counts one webhook delivery: `result` is accepted, duplicate, bad_signature or rejected.
inline void webhook(std::string_view event, std::string_view result) {
  try {
    get().webhooks.with({event, result}).inc();
  } catch (...) {
    // metrics never break the receiver
  }
}

}  // namespace detail::flow_metrics
}  // namespace v0
}  // namespace paystack
