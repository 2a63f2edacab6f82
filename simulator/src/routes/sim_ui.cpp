// The live page (doc/simulator.md, "The live page"): GET /_sim/ui, one self-contained HTML
// document (ui/page.html, embedded at build time) whose inline script and style are the only
// ones its Content-Security-Policy allows (by their SHA-256); its icon; and GET /_sim/ui/stream,
// the page's view of the state as server-sent events (the socket server sends a new frame when
// the view changes). The page only reads; its buttons call the control API.
#include <openssl/evp.h>

#include <array>
#include <boost/json/array.hpp>

#include "engine.hpp"
#include "ui_page.hpp"
#include "util.hpp"

namespace paystack::sim::detail {

namespace json = boost::json;

namespace {

/// How much of each collection the page shows (the rest: /_sim/state, the API's lists).
constexpr std::size_t ui_terminals = 100;
constexpr std::size_t ui_requests = 50;
constexpr std::size_t ui_transactions = 20;
constexpr std::size_t ui_webhooks = 50;

constexpr std::string_view favicon_svg =
    R"(<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">)"
    R"(<rect x="6" y="2" width="20" height="28" rx="4" fill="#0b7a75"/>)"
    R"(<rect x="9" y="6" width="14" height="10" rx="1" fill="#e8f6f5"/>)"
    R"(<circle cx="12" cy="21" r="1.6" fill="#fff"/><circle cx="16" cy="21" r="1.6" fill="#fff"/>)"
    R"(<circle cx="20" cy="21" r="1.6" fill="#fff"/><circle cx="12" cy="25" r="1.6" fill="#fff"/>)"
    R"(<circle cx="16" cy="25" r="1.6" fill="#fff"/><circle cx="20" cy="25" r="1.6" fill="#fff"/>)"
    R"(</svg>)";

/// `'sha256-<base64>'` of `text`, as a CSP source expression.
std::string csp_hash(std::string_view text) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), digest.data(), &len, EVP_sha256(), nullptr);
  return "'sha256-" +
         base64_encode(std::string_view(reinterpret_cast<const char*>(digest.data()), len)) + "'";
}

/// The text between the first `<tag>` and the following `</tag>` of the page.
std::string_view inline_block(std::string_view page, std::string_view tag) {
  const auto open = "<" + std::string(tag) + ">";
  const auto close = "</" + std::string(tag) + ">";
  auto from = page.find(open);
  if (from == std::string_view::npos) return {};
  from += open.size();
  auto to = page.find(close, from);
  return to == std::string_view::npos ? std::string_view{} : page.substr(from, to - from);
}

/// Nothing but the page itself: its one inline script and style (by hash), its icon and its
/// stream from the simulator, no frames, no forms, no base.
const std::string& content_security_policy() {
  static const std::string csp = "default-src 'none'; script-src " +
                                 csp_hash(inline_block(ui_page_html, "script")) + "; style-src " +
                                 csp_hash(inline_block(ui_page_html, "style")) +
                                 "; img-src 'self'; connect-src 'self'; base-uri 'none'; "
                                 "form-action 'none'; frame-ancestors 'none'";
  return csp;
}

void add_page_headers(http_response& r) {
  r.headers.emplace_back("Content-Security-Policy", content_security_policy());
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  r.headers.emplace_back("Cache-Control", "no-store");
}

}  // namespace

// mutex_ is held (engine::handle).
http_response engine::route_ui(std::string_view path) const {
  http_response r;
  if (path == "/_sim/ui" || path == "/_sim/ui/") {
    r.content_type = "text/html; charset=utf-8";
    r.body = std::string(ui_page_html);
  } else if (path == "/_sim/ui/favicon.svg") {
    r.content_type = "image/svg+xml";
    r.body = std::string(favicon_svg);
  } else if (path == "/_sim/ui/stream") {
    r.content_type = "text/event-stream; charset=utf-8";
    r.event_stream = true;
    r.body = "retry: 1000\n\ndata: " + to_json(ui_view_json_locked()) + "\n\n";
  } else {
    return fail_plain(404, "Unknown simulator control route");
  }
  add_page_headers(r);
  return r;
}

std::string engine::ui_frame() const {
  std::lock_guard lk(mutex_);
  return "data: " + to_json(ui_view_json_locked()) + "\n\n";
}

json::object engine::ui_view_json_locked() const {
  auto request_json = [this](const payment_request& pr) {
    auto c = customers_.find(pr.customer_id);
    return json::object{
        {"request_code", pr.request_code},
        {"offline_reference", pr.offline_reference},
        {"amount", pr.amount},
        {"currency", pr.currency},
        {"customer", c != customers_.end() ? json::value(c->second.code) : json::value(nullptr)},
        {"status", pr.status},
        {"archived", pr.archived},
        {"terminal_id", pr.last_terminal}};
  };
  json::array terminals;
  std::size_t terminal_count = 0;
  for (const auto& [id, d] : devices_) {
    if (!d.commissioned) continue;
    if (++terminal_count > ui_terminals) continue;
    auto shown = requests_.find(d.screen_request);
    terminals.push_back(
        json::object{{"terminal_id", d.terminal_id},
                     {"name", d.name ? json::value(*d.name) : json::value(nullptr)},
                     {"serial_number", d.serial},
                     {"online", d.online},
                     {"available", d.available},
                     {"state", d.online ? screen_name(d.screen) : "offline"},
                     {"request", shown != requests_.end() ? json::value(request_json(shown->second))
                                                          : json::value(nullptr)}});
  }
  json::array requests;
  for (auto it = requests_.rbegin(); it != requests_.rend() && requests.size() < ui_requests; ++it)
    requests.push_back(request_json(it->second));
  json::array transactions;
  for (auto it = transactions_.rbegin();
       it != transactions_.rend() && transactions.size() < ui_transactions; ++it) {
    const auto& t = it->second;
    transactions.push_back(json::object{{"id", t.id},
                                        {"reference", t.reference},
                                        {"amount", t.amount},
                                        {"currency", t.currency},
                                        {"status", t.status},
                                        {"channel", t.channel},
                                        {"terminal_id", t.terminal_id},
                                        {"request_code", t.request_code},
                                        {"paid_at", t.paid_at}});
  }
  json::array webhooks;
  for (auto it = webhook_log_.rbegin(); it != webhook_log_.rend() && webhooks.size() < ui_webhooks;
       ++it) {
    const auto& w = *it;
    json::object entry{{"id", w.id},
                       {"event", w.event},
                       {"status", w.status == webhook_status::pending     ? "pending"
                                  : w.status == webhook_status::delivered ? "delivered"
                                  : w.status == webhook_status::failed    ? "failed"
                                                                          : "skipped"},
                       {"attempts", w.attempts.size()}};
    if (!w.attempts.empty()) {
      const auto& last = w.attempts.back();
      entry["last_http_status"] = last.http_status;
      entry["last_error"] = last.error;
    }
    webhooks.push_back(std::move(entry));
  }
  return json::object{
      {"webhook_url",
       options_.webhook_url.empty() ? json::value(nullptr) : json::value(options_.webhook_url)},
      {"terminals", std::move(terminals)},
      {"terminals_total", terminal_count},
      {"payment_requests", std::move(requests)},
      {"payment_requests_total", requests_.size()},
      {"transactions", std::move(transactions)},
      {"transactions_total", transactions_.size()},
      {"webhooks", std::move(webhooks)},
      {"webhooks_total", webhook_log_.size()}};
}

}  // namespace paystack::sim::detail
