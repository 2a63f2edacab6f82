#include "pg/inbox.hpp"

#include <algorithm>
#include <charconv>
#include <utility>

namespace paystack {
inline namespace v0 {
namespace pg {

using boost::system::error_code;

namespace {

constexpr std::chrono::milliseconds statement_timeout{10000};
constexpr int max_read = 1000;

constexpr const char* event_columns =
    "seq, semantic_key, event, coalesce(request_code, ''), coalesce(offline_reference, ''),"
    " payment_request_id, body, coalesce(received_by, ''), coalesce(handed_over_to, ''),"
    " merchant, round(extract(epoch FROM clock_timestamp() - received_at) * 1000)::bigint";

std::vector<inbox_event> read_events(const result& r) {
  std::vector<inbox_event> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) {
    inbox_event e;
    e.seq = r.integer(i, 0);
    e.semantic_key = std::string(r.value(i, 1));
    e.event = std::string(r.value(i, 2));
    e.request_code = std::string(r.value(i, 3));
    e.offline_reference = std::string(r.value(i, 4));
    if (!r.is_null(i, 5)) e.payment_request_id = r.integer(i, 5);
    e.body = std::string(r.value(i, 6));
    e.received_by = std::string(r.value(i, 7));
    e.handed_over_to = std::string(r.value(i, 8));
    e.merchant = std::string(r.value(i, 9));
    if (!r.is_null(i, 10)) e.age_ms = r.integer(i, 10);
    out.push_back(std::move(e));
  }
  return out;
}

query_handler events_of(events_handler h) {
  return [h = std::move(h)](error_code ec, result r) mutable {
    std::vector<inbox_event> events;
    if (!ec) events = read_events(r);
    std::move(h)(ec, std::move(events));
  };
}

std::optional<std::string> non_empty(std::string s) {
  if (s.empty()) return std::nullopt;
  return s;
}

}  // namespace

std::optional<std::pair<std::int64_t, std::string>> parse_inbox_notification(
    std::string_view payload) {
  const auto space = payload.find(' ');
  if (space == std::string_view::npos || space == 0 || space + 1 == payload.size()) {
    return std::nullopt;
  }
  std::int64_t seq = 0;
  const auto [end, ec] = std::from_chars(payload.data(), payload.data() + space, seq);
  if (ec != std::errc{} || end != payload.data() + space || seq <= 0) return std::nullopt;
  return std::pair{seq, std::string(payload.substr(space + 1))};
}

void async_store_webhook(connection& c, inbox_event e, stored_handler h) {
  params p{
      std::move(e.semantic_key),
      std::move(e.event),
      non_empty(std::move(e.request_code)),
      non_empty(std::move(e.offline_reference)),
      e.payment_request_id ? std::optional(std::to_string(*e.payment_request_id)) : std::nullopt,
      std::move(e.body),
      non_empty(std::move(e.received_by)),
      std::move(e.merchant)};
  c.async_query(
      "INSERT INTO paystack_webhook_inbox (semantic_key, event, request_code, offline_reference,"
      " payment_request_id, body, received_by, merchant)"
      " VALUES ($1, $2, $3, $4, $5::bigint, $6, $7, $8)"
      " ON CONFLICT (semantic_key) DO NOTHING",
      std::move(p), statement_timeout, changed_one_row(std::move(h)));
}

void async_claim_webhook(connection& c, std::string semantic_key, std::string instance,
                         stored_handler h) {
  // Claimed now, or earlier by the same instance (a claim sent again after its reply was lost),
  // or not in the inbox at all (nobody else can claim it). A racing claimer blocks on the row's
  // lock and then sees it claimed.
  c.async_query(
      "WITH claimed AS (UPDATE paystack_webhook_inbox SET handed_over_to = $2,"
      "  handed_over_at = clock_timestamp()"
      "  WHERE semantic_key = $1 AND handed_over_at IS NULL RETURNING 1)"
      " SELECT EXISTS (SELECT 1 FROM claimed) OR NOT EXISTS (SELECT 1 FROM"
      "  paystack_webhook_inbox WHERE semantic_key = $1 AND handed_over_to IS DISTINCT FROM $2)",
      {std::move(semantic_key), std::move(instance)}, statement_timeout,
      [h = std::move(h)](error_code ec, result r) mutable {
        std::move(h)(ec, !ec && r.rows() == 1 && r.value(0, 0) == "t");
      });
}

void async_read_inbox(connection& c, std::int64_t after_seq, int limit, events_handler h) {
  limit = std::clamp(limit, 1, max_read);
  c.async_query(
      std::string("SELECT ") + event_columns +
          " FROM paystack_webhook_inbox WHERE seq > $1::bigint ORDER BY seq LIMIT $2::int",
      {std::to_string(after_seq), std::to_string(limit)}, statement_timeout,
      events_of(std::move(h)));
}

void async_find_unclaimed(connection& c, std::string request_code, std::string offline_reference,
                          events_handler h) {
  c.async_query(std::string("SELECT ") + event_columns +
                    " FROM paystack_webhook_inbox WHERE handed_over_at IS NULL AND"
                    " ((request_code = $1 AND $1 <> '') OR (offline_reference = $2 AND $2 <> ''))"
                    " ORDER BY seq LIMIT " +
                    std::to_string(max_read),
                {std::move(request_code), std::move(offline_reference)}, statement_timeout,
                events_of(std::move(h)));
}

}  // namespace pg
}  // namespace v0
}  // namespace paystack
