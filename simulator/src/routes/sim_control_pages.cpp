// The control API's reads: GET /_sim/state, GET /_sim/webhooks (one page of the delivery log
// at a time) and GET /_sim/stats (what the simulator holds and what its bounds dropped).
#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>

#include "engine.hpp"
#include "util.hpp"

namespace paystack::sim::detail {

namespace json = boost::json;

namespace {

/// How many of the newest transactions and refunds GET /_sim/state shows.
constexpr std::size_t state_newest = 20;

/// `{count, newest}` of an id-ordered collection: how many it holds and its state_newest newest
/// records, newest first, each as `entry` shows it (the rest: GET /transaction, GET /refund).
template <class Records, class Entry>
json::object newest_json(const Records& records, Entry entry) {
  json::array newest;
  for (auto it = records.rbegin(); it != records.rend() && newest.size() < state_newest; ++it)
    newest.push_back(entry(it->second));
  return json::object{{"count", records.size()}, {"newest", std::move(newest)}};
}

std::string_view status_name(webhook_status s) {
  switch (s) {
    case webhook_status::pending:
      return "pending";
    case webhook_status::delivered:
      return "delivered";
    case webhook_status::failed:
      return "failed";
    case webhook_status::skipped:
      return "skipped";
  }
  return "unknown";
}

json::object entry_json(const webhook_delivery& w) {
  json::array attempts;
  for (const auto& a : w.attempts) {
    attempts.push_back(
        json::object{{"at", iso8601(a.at)},
                     {"http_status", a.http_status},
                     {"error", a.error.empty() ? json::value(nullptr) : json::value(a.error)}});
  }
  boost::system::error_code ec;
  auto payload = json::parse(w.body, ec);
  return json::object{{"id", w.id},
                      {"event", w.event},
                      {"status", status_name(w.status)},
                      {"signature", w.signature},
                      {"attempts", std::move(attempts)},
                      {"payload", ec ? json::value(nullptr) : std::move(payload)}};
}

}  // namespace

std::size_t engine::webhook_bytes(const webhook_delivery& w) {
  std::size_t n = sizeof(webhook_delivery) + w.event.size() + w.body.size() + w.signature.size();
  for (const auto& a : w.attempts) n += sizeof(webhook_attempt) + a.error.size();
  return n;
}

std::optional<json::object> engine::webhook_page_locked(std::string_view query,
                                                        std::string& error) const {
  std::size_t limit = webhook_page_default;
  if (auto v = query_param(query, "limit")) {
    auto n = parse_uint(*v);
    if (!n || *n < 1 || *n > static_cast<std::int64_t>(webhook_page_max)) {
      error = "limit must be 1.." + std::to_string(webhook_page_max);
      return std::nullopt;
    }
    limit = static_cast<std::size_t>(*n);
  }
  std::uint64_t after = 0;
  if (auto v = query_param(query, "after")) {
    auto n = parse_uint(*v);
    if (!n) {
      error = "after must be a webhook id";
      return std::nullopt;
    }
    after = static_cast<std::uint64_t>(*n);
  }
  // Log ids are consecutive, so the first entry after the cursor is found by arithmetic.
  std::size_t start = 0;
  if (!webhook_log_.empty() && after >= webhook_log_.front().id) {
    start = static_cast<std::size_t>(
        std::min<std::uint64_t>(after - webhook_log_.front().id + 1, webhook_log_.size()));
  }
  json::array data;
  std::size_t bytes = 0;
  std::size_t i = start;
  for (; i < webhook_log_.size() && data.size() < limit; ++i) {
    if (!data.empty() && bytes >= webhook_page_bytes) break;
    bytes += webhook_bytes(webhook_log_[i]);
    data.push_back(entry_json(webhook_log_[i]));
  }
  json::object meta;
  meta["next"] = i < webhook_log_.size() && !data.empty() ? json::value(webhook_log_[i - 1].id)
                                                          : json::value(nullptr);
  meta["limit"] = limit;
  meta["total"] = webhook_log_.size();
  meta["dropped"] = webhook_log_dropped_;
  return json::object{{"status", true},
                      {"message", "Webhook log retrieved"},
                      {"data", std::move(data)},
                      {"meta", std::move(meta)}};
}

json::value engine::state_json_locked() const {
  json::array terminals;
  json::array devices;
  for (const auto& [id, d] : devices_) {
    auto t = terminal_json(d, false);
    t["online"] = d.online;
    t["available"] = d.available;
    t["commissioned"] = d.commissioned;
    if (d.commissioned) {
      // What the page shows as data-state: the screen, or "offline" whatever it holds.
      t["screen"] = d.online ? screen_name(d.screen) : "offline";
      auto shown = requests_.find(d.screen_request);
      t["screen_request"] =
          shown != requests_.end() ? json::value(shown->second.request_code) : json::value(nullptr);
    }
    (d.commissioned ? terminals : devices).push_back(std::move(t));
  }
  json::array events;
  for (const auto& id : event_order_) {
    const auto& e = events_.at(id);
    events.push_back(json::object{{"id", e.id},
                                  {"terminal_id", e.terminal_id},
                                  {"type", e.type},
                                  {"action", e.action},
                                  {"data_id", e.data_id},
                                  {"delivered", e.delivered},
                                  {"held", e.held}});
  }
  json::array requests;
  for (const auto& [id, pr] : requests_) {
    auto customer = customers_.find(pr.customer_id);
    requests.push_back(
        json::object{{"id", pr.id},
                     {"request_code", pr.request_code},
                     {"offline_reference", pr.offline_reference},
                     {"amount", pr.amount},
                     {"currency", pr.currency},
                     {"customer", customer != customers_.end() ? json::value(customer->second.code)
                                                               : json::value(nullptr)},
                     {"customer_id", pr.customer_id},
                     {"status", pr.status},
                     {"archived", pr.archived},
                     {"terminal_id", pr.last_terminal}});
  }
  json::array virtual_terminals;
  for (const auto& [id, vt] : virtual_terminals_)
    virtual_terminals.push_back(virtual_terminal_json(vt, true));
  auto transaction_entry = [](const transaction_record& t) {
    return json::object{{"id", t.id},
                        {"reference", t.reference},
                        {"status", t.status},
                        {"amount", t.amount},
                        {"refunded", t.refunded},
                        {"channel", t.channel},
                        {"terminal_id", t.terminal_id},
                        {"request_code", t.request_code}};
  };
  auto refund_entry = [](const refund_record& r) {
    return json::object{{"id", r.id},
                        {"transaction_reference", r.transaction_reference},
                        {"amount", r.amount},
                        {"status", r.status}};
  };
  return json::object{{"terminals", std::move(terminals)},
                      {"devices", std::move(devices)},
                      {"events", std::move(events)},
                      {"payment_requests", std::move(requests)},
                      {"virtual_terminals", std::move(virtual_terminals)},
                      {"transactions", newest_json(transactions_, transaction_entry)},
                      {"refunds", newest_json(refunds_, refund_entry)}};
}

json::object engine::stats_json_locked() const {
  std::size_t terminals = 0;
  for (const auto& [id, d] : devices_) terminals += d.commissioned ? 1 : 0;
  auto load = [](const std::atomic<std::uint64_t>& a) { return a.load(); };
  return json::object{
      {"terminals", terminals},
      {"devices", devices_.size() - terminals},
      {"max_devices", options_.max_devices},
      {"payment_requests", json::object{{"count", requests_.size()},
                                        {"bytes", request_bytes_},
                                        {"max_bytes", options_.max_payment_request_bytes},
                                        {"dropped", requests_dropped_}}},
      {"transactions", json::object{{"count", transactions_.size()},
                                    {"max", state_limit::transactions},
                                    {"dropped", transactions_dropped_}}},
      {"refunds", json::object{{"count", refunds_.size()},
                               {"max", state_limit::refunds},
                               {"dropped", refunds_dropped_}}},
      {"events", events_.size()},
      {"customers", customers_.size()},
      {"webhook_log", json::object{{"entries", webhook_log_.size()},
                                   {"bytes", webhook_log_bytes_},
                                   {"max_bytes", options_.max_webhook_log_bytes},
                                   {"dropped", webhook_log_dropped_}}},
      {"webhook_queue", json::object{{"length", load(counters_.webhook_queue_length)},
                                     {"max", options_.max_webhook_queue},
                                     {"dropped", load(counters_.webhook_queue_dropped)}}},
      {"connections",
       json::object{{"open", load(counters_.connections_open)},
                    {"max", options_.max_connections},
                    {"max_per_source", options_.max_connections_per_source},
                    {"refused", load(counters_.connections_refused)},
                    {"refused_per_source", load(counters_.connections_refused_per_source)}}}};
}

}  // namespace paystack::sim::detail
