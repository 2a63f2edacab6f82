// The charge flow's journal: one record per key, saved before each side effect and after its
// result (doc/adr/0008-charge-recovery.md).
#include "charge_journal.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace paystack {
inline namespace v0 {

std::string_view to_string(charge_outcome o) noexcept {
  switch (o) {
    case charge_outcome::paid:
      return "paid";
    case charge_outcome::declined:
      return "declined";
    case charge_outcome::terminal_offline:
      return "terminal_offline";
    case charge_outcome::terminal_busy:
      return "terminal_busy";
    case charge_outcome::not_delivered:
      return "not_delivered";
    case charge_outcome::timed_out:
      return "timed_out";
    case charge_outcome::failed:
      return "failed";
    case charge_outcome::cancelled:
      return "cancelled";
  }
  return "unknown";
}

std::string_view to_string(charge_stage s) noexcept {
  switch (s) {
    case charge_stage::checking_presence:
      return "checking_presence";
    case charge_stage::creating_request:
      return "creating_request";
    case charge_stage::pushing_event:
      return "pushing_event";
    case charge_stage::awaiting_delivery:
      return "awaiting_delivery";
    case charge_stage::awaiting_payment:
      return "awaiting_payment";
    case charge_stage::done:
      return "done";
  }
  return "unknown";
}

namespace detail {

namespace asio = boost::asio;

std::string check_charge_key(const std::string& key) {
  constexpr std::size_t max_key = 64;
  if (key.empty() || key.size() > max_key)
    return "key must be 1 to " + std::to_string(max_key) + " characters";
  for (char c : key) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == ':' || c == '-';
    if (!ok) return "key may hold only A-Z a-z 0-9 . _ : -";
  }
  return {};
}

std::string charge_key_marker(const std::string& key) {
  return " [key:" + key + "]";
}

bool has_charge_key_marker(const std::optional<std::string>& description, const std::string& key) {
  return description && description->ends_with(charge_key_marker(key));
}

charge_result replay_result(const charge_record& rec) {
  charge_result r;
  restore_result(rec, r);
  r.outcome = rec.outcome.value_or(charge_outcome::failed);
  r.stage = charge_stage::done;
  r.reason = rec.reason;
  r.replayed = true;
  r.open = rec.open;
  r.transaction_reference = rec.transaction_reference;
  if (r.request && r.outcome == charge_outcome::paid) {
    r.request->paid = true;
    r.request->status = "success";
    r.delivered = true;
  }
  return r;
}

void restore_result(const charge_record& rec, charge_result& r) {
  if (rec.request_code) {
    payment_request pr;
    pr.id = rec.request_id.value_or(0);
    pr.request_code = *rec.request_code;
    pr.offline_reference = rec.offline_reference;
    pr.amount = rec.amount;
    pr.currency = rec.currency;
    pr.status = "pending";
    r.request = std::move(pr);
  }
  r.event_id = rec.event_id;
  r.delivered = rec.stage == charge_journal_stage::delivered;
}

bool stays_open(const charge_result& r, bool request_may_exist) {
  switch (r.outcome) {
    case charge_outcome::not_delivered:
    case charge_outcome::timed_out:
      return true;
    case charge_outcome::failed:
      return request_may_exist;
    default:
      return false;
  }
}

asio::awaitable<boost::system::error_code> charge_journal::begin() {
  auto op = store_->async_begin(rec_, asio::as_tuple(asio::use_awaitable));
  auto [ec, stored, inserted] = co_await std::move(op);
  if (!ec) {
    rec_ = std::move(stored);
    inserted_ = inserted;
  }
  co_return ec;
}

asio::awaitable<boost::system::error_code> charge_journal::save(charge_journal_stage s,
                                                                const charge_result& r,
                                                                std::string detail) {
  auto next = rec_;
  next.stage = s;
  if (r.request) {
    next.request_id = r.request->id;
    next.request_code = r.request->request_code;
    next.offline_reference = r.request->offline_reference;
  }
  if (r.event_id) next.event_id = r.event_id;
  if (s == charge_journal_stage::pushing) next.pushes += 1;
  if (r.transaction_reference) next.transaction_reference = r.transaction_reference;
  auto op = write(std::move(next), std::move(detail));
  auto ec = co_await std::move(op);
  co_return ec;
}

asio::awaitable<boost::system::error_code> charge_journal::finish(const charge_result& r,
                                                                  bool open) {
  auto next = rec_;
  next.stage = charge_journal_stage::finished;
  next.outcome = r.outcome;
  next.open = open;
  next.reason = r.reason;
  if (r.request) {
    next.request_id = r.request->id;
    next.request_code = r.request->request_code;
    next.offline_reference = r.request->offline_reference;
  }
  if (r.event_id) next.event_id = r.event_id;
  if (r.transaction_reference) next.transaction_reference = r.transaction_reference;
  std::string detail(to_string(r.outcome));
  auto op = write(std::move(next), std::move(detail));
  auto ec = co_await std::move(op);
  co_return ec;
}

asio::awaitable<boost::system::error_code> charge_journal::archiving(const charge_result& r) {
  auto next = rec_;
  next.stage = charge_journal_stage::archiving;
  next.outcome = r.outcome;
  next.open = true;
  next.reason = r.reason;
  if (r.event_id) next.event_id = r.event_id;
  std::string detail = std::string(to_string(r.outcome)) + ": archiving " +
                       (r.request ? r.request->request_code : std::string("its request"));
  auto op = write(std::move(next), std::move(detail));
  auto ec = co_await std::move(op);
  co_return ec;
}

asio::awaitable<boost::system::error_code> charge_journal::write(charge_record next,
                                                                 std::string detail) {
  next.fencing_token = token_;
  auto op =
      store_->async_save(std::move(next), std::move(detail), asio::as_tuple(asio::use_awaitable));
  auto [ec, stored] = co_await std::move(op);
  if (!ec) rec_ = std::move(stored);
  co_return ec;
}

}  // namespace detail
}  // namespace v0
}  // namespace paystack
