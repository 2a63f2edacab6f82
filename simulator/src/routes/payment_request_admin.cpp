// The /paymentrequest routes beyond create/fetch/verify/update: list (filters, page numbers,
// capped page size), totals, archive, finalize and send notification, with the documented
// messages. Archived requests leave the list (unless include_archive) and the totals.
#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "engine.hpp"
#include "util.hpp"
#include "wire.hpp"

namespace paystack::sim::detail {

namespace json = boost::json;

namespace {

constexpr std::int64_t max_per_page = 100;
constexpr std::size_t max_filter = 64;  // bytes of a status, currency, from or to filter

/// A text filter of the list, bounded; `bad` set when it is too long or empty.
std::optional<std::string> text_filter(std::string_view query, std::string_view name, bool& bad) {
  auto v = query_param(query, name);
  if (v && (v->empty() || v->size() > max_filter)) bad = true;
  return v;
}

}  // namespace

http_response engine::list_requests(std::string_view query) {
  std::int64_t per_page = 50;
  if (auto err = read_per_page(query, max_per_page, per_page)) return std::move(*err);
  std::int64_t page = 1;
  if (auto p = query_param(query, "page")) {
    auto v = parse_uint(*p);
    if (!v || *v < 1) return invalid("page must be a positive integer");
    page = *v;
  }
  bool bad = false;
  auto status = text_filter(query, "status", bad);
  auto currency = text_filter(query, "currency", bad);
  auto from = text_filter(query, "from", bad);
  auto to = text_filter(query, "to", bad);
  if (bad) return invalid("Filters must be 1 to " + std::to_string(max_filter) + " characters");
  std::optional<std::int64_t> customer;
  if (auto c = query_param(query, "customer")) {
    if (c->empty() || c->size() > field_limit::customer) return invalid("Invalid customer");
    customer = customer_filter_locked(*c);
  }
  auto archive = query_param(query, "include_archive");
  const bool include_archive = archive && (*archive == "true" || *archive == "1");

  // Newest first. ISO 8601 times in one format compare as text.
  const auto skip = (page - 1) * per_page;
  std::int64_t total = 0;
  json::array data;
  for (auto it = requests_.rbegin(); it != requests_.rend(); ++it) {
    const auto& pr = it->second;
    if (pr.archived && !include_archive) continue;
    if (customer && pr.customer_id != *customer) continue;
    if (status && pr.status != *status) continue;
    if (currency && pr.currency != *currency) continue;
    if (from && pr.created_at < *from) continue;
    if (to && pr.created_at > *to) continue;
    if (total >= skip && total < skip + per_page) data.push_back(request_summary_json(pr));
    ++total;
  }
  json::object meta{{"total", total},
                    {"skipped", skip},
                    {"perPage", per_page},
                    {"page", page},
                    {"pageCount", (total + per_page - 1) / per_page}};
  return make_json(200, json::object{{"status", true},
                                     {"message", "Payment requests retrieved"},
                                     {"data", std::move(data)},
                                     {"meta", std::move(meta)}});
}

http_response engine::request_totals() {
  static constexpr std::string_view currencies[] = {"NGN", "GHS", "ZAR", "USD"};
  std::int64_t pending[4] = {};
  std::int64_t successful[4] = {};
  for (const auto& entry : requests_) {
    const auto& pr = entry.second;
    if (pr.archived) continue;
    for (std::size_t i = 0; i < 4; ++i) {
      if (pr.currency != currencies[i]) continue;
      if (pr.status == "pending") pending[i] += pr.amount;
      if (pr.status == "success") successful[i] += pr.amount;
    }
  }
  json::array p;
  json::array s;
  json::array t;
  for (std::size_t i = 0; i < 4; ++i) {
    p.push_back(json::object{{"currency", currencies[i]}, {"amount", pending[i]}});
    s.push_back(json::object{{"currency", currencies[i]}, {"amount", successful[i]}});
    t.push_back(json::object{{"currency", currencies[i]}, {"amount", pending[i] + successful[i]}});
  }
  return ok("Payment request totals",
            json::object{
                {"pending", std::move(p)}, {"successful", std::move(s)}, {"total", std::move(t)}});
}

http_response engine::archive_request(std::string_view id_or_code) {
  auto* pr = find_request_locked(id_or_code);
  if (pr == nullptr) return not_found("Payment request not found");
  pr->archived = true;  // again: still archived, same answer
  pr->updated_at = now_iso();
  // A terminal showing it to pay shows nothing to pay now (an outcome on it stays shown).
  if (auto* d = screen_of_locked(*pr); d != nullptr && d->screen == screen_state::invoice) {
    d->available = true;
    show_locked(*d, screen_state::idle, 0);
  }
  return ok("Payment request has been archived");
}

http_response engine::finalize_request(std::string_view id_or_code) {
  auto* pr = find_request_locked(id_or_code);
  if (pr == nullptr) return not_found("Payment request not found");
  if (pr->archived) return archived_answer();
  if (pr->status != "draft") return invalid("Payment request is not a draft");
  pr->status = "pending";
  pr->updated_at = now_iso();
  emit_locked("paymentrequest.pending",
              json::serialize(json::object{{"event", "paymentrequest.pending"},
                                           {"data", request_webhook_json(*pr, false)}}));
  auto o = request_summary_json(*pr);
  o["pending_amount"] = pr->amount;
  return ok("Payment request finalized", std::move(o));
}

http_response engine::notify_request(std::string_view id_or_code) {
  auto* pr = find_request_locked(id_or_code);
  if (pr == nullptr) return not_found("Payment request not found");
  if (pr->archived) return archived_answer();
  if (pr->status != "pending") return invalid("Only a pending payment request can be notified");
  ++pr->notified;
  return ok("Notification sent");
}

}  // namespace paystack::sim::detail
