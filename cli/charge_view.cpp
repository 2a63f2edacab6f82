#include "charge_view.hpp"

#include <unistd.h>

#include <boost/asio/error.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace cli {

namespace {

std::string seconds(std::chrono::milliseconds ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1fs", static_cast<double>(ms.count()) / 1000.0);
  return buf;
}

/// "TERMINAL OFFLINE" for terminal_offline: the outcome's name, loud.
std::string outcome_headline(paystack::charge_outcome o) {
  std::string h(paystack::to_string(o));
  for (auto& c : h) c = c == '_' ? ' ' : static_cast<char>(std::toupper(c));
  return h;
}

}  // namespace

bool is_tty(int fd) {
  if (::isatty(fd) == 0) return false;
  const char* term = std::getenv("TERM");
  return term == nullptr || std::strcmp(term, "dumb") != 0;
}

struct progress_printer::state {
  std::ostream& os;
  bool live;
  std::string indent;
  bool open_line = false;
  std::optional<paystack::charge_stage> last_stage;
};

progress_printer::progress_printer(std::ostream& os, bool live, std::string indent)
    : s_(std::make_shared<state>(state{os, live, std::move(indent)})) {}

void progress_printer::operator()(const paystack::charge_progress& p) const {
  if (p.stage == paystack::charge_stage::done) return;  // the result is printed separately
  auto& s = *s_;
  char stamp[32];
  std::snprintf(stamp, sizeof stamp, "%5.1fs  ", static_cast<double>(p.elapsed.count()) / 1000.0);
  const std::string line = s.indent + stamp + server_text(p.text);
  if (s.live) {
    if (s.open_line && s.last_stage == p.stage && p.poll > 0) {
      s.os << "\r\033[K" << line;  // a poll of the same stage: rewrite the line
    } else {
      if (s.open_line) s.os << '\n';
      s.os << line;
    }
    s.open_line = true;
  } else {
    s.os << line << '\n';
  }
  s.last_stage = p.stage;
  s.os << std::flush;
}

void progress_printer::finish() const {
  if (s_->open_line) s_->os << '\n' << std::flush;
  s_->open_line = false;
}

std::pair<boost::system::error_code, paystack::charge_result> run_charge(
    boost::asio::io_context& ioc, const paystack::terminal_client& client,
    const std::string& terminal_id, paystack::charge_params params, bool& interrupted) {
  return run_cancellable<paystack::charge_result>(
      ioc,
      [&](auto handler) {
        paystack::async_charge_on_terminal(client, terminal_id, std::move(params),
                                           std::move(handler));
      },
      interrupted);
}

void print_charge_result(std::ostream& os, const std::string& terminal_id,
                         boost::system::error_code ec, const paystack::charge_result& r,
                         const std::string& indent) {
  std::vector<std::pair<std::string, std::string>> f;
  os << indent << outcome_headline(r.outcome);
  if (!r.reason.empty()) os << ": " << server_text(r.reason);
  os << '\n';
  f.emplace_back("terminal", terminal_id);
  if (r.request) {
    f.emplace_back("amount", format_amount(r.request->amount, r.request->currency));
    f.emplace_back("payment request", r.request->request_code + " (id " +
                                          std::to_string(r.request->id) + ", status " +
                                          r.request->status + ")");
    if (r.request->offline_reference) {
      f.emplace_back("offline reference", *r.request->offline_reference);
    }
  }
  if (r.event_id) f.emplace_back("event id", *r.event_id + (r.delivered ? " (delivered)" : ""));
  if (r.transaction_reference) f.emplace_back("transaction", *r.transaction_reference);
  if (!r.decided_by.empty()) f.emplace_back("decided by", r.decided_by);
  if (r.replayed) f.emplace_back("recorded", "this key's recorded outcome; nothing was sent");
  if (r.resumed) f.emplace_back("resumed", "continued from the charge store's last record");
  if (r.open)
    f.emplace_back("open", "a late payment is still possible: `charges reconcile` checks it");
  if (r.last_reply && r.outcome != paystack::charge_outcome::paid) {
    const auto& lr = *r.last_reply;
    std::string text = lr.operation + ": ";
    text += !lr.message.empty() ? lr.message : lr.error_detail;
    if (lr.status_code != 0) text += " (HTTP " + std::to_string(lr.status_code) + ")";
    if (lr.code) text += " [" + *lr.code + "]";
    f.emplace_back("last reply", text);
  }
  if (ec && r.outcome != paystack::charge_outcome::cancelled) f.emplace_back("error", ec.message());
  f.emplace_back("elapsed", seconds(r.elapsed));
  std::size_t width = 0;
  for (const auto& [k, v] : f) width = std::max(width, k.size());
  for (const auto& [k, v] : f) {
    os << indent << "  " << k << ':' << std::string(width - k.size() + 1, ' ') << server_text(v)
       << '\n';
  }
  if (r.event_id && r.request && r.outcome != paystack::charge_outcome::paid) {
    os << indent << "  The terminal may still show the request; check it later with the "
       << "Verify Payment Request API (code " << r.request->request_code << ").\n";
  }
  os << std::flush;
}

std::string charge_result_json(const std::string& terminal_id, boost::system::error_code ec,
                               const paystack::charge_result& r) {
  namespace json = boost::json;
  json::object o;
  o["outcome"] = std::string(paystack::to_string(r.outcome));
  o["stage"] = std::string(paystack::to_string(r.stage));
  o["reason"] = r.reason;
  o["terminal_id"] = terminal_id;
  if (r.presence) {
    o["presence"] =
        json::object{{"online", r.presence->online}, {"available", r.presence->available}};
  }
  if (r.request) {
    json::object pr{{"id", r.request->id},         {"request_code", r.request->request_code},
                    {"amount", r.request->amount}, {"currency", r.request->currency},
                    {"status", r.request->status}, {"paid", r.request->paid}};
    if (r.request->offline_reference) pr["offline_reference"] = *r.request->offline_reference;
    o["payment_request"] = std::move(pr);
  }
  o["event_id"] = r.event_id ? json::value(*r.event_id) : json::value(nullptr);
  o["delivered"] = r.delivered;
  o["transaction_reference"] =
      r.transaction_reference ? json::value(*r.transaction_reference) : json::value(nullptr);
  o["decided_by"] = r.decided_by;
  if (r.last_reply) {
    json::object lr{{"operation", r.last_reply->operation},
                    {"status_code", r.last_reply->status_code},
                    {"message", r.last_reply->message}};
    if (r.last_reply->code) lr["code"] = *r.last_reply->code;
    if (!r.last_reply->error_detail.empty()) lr["error_detail"] = r.last_reply->error_detail;
    o["last_reply"] = std::move(lr);
  }
  o["error"] = ec ? json::value(ec.message()) : json::value(nullptr);
  o["delivery_polls"] = r.delivery_polls;
  o["verify_polls"] = r.verify_polls;
  o["elapsed_ms"] = r.elapsed.count();
  // Only for charges with a store (--key --store): the output of other charges is unchanged.
  if (r.replayed) o["replayed"] = true;
  if (r.resumed) o["resumed"] = true;
  if (r.open) o["open"] = true;
  return json::serialize(o);
}

int charge_exit_code(boost::system::error_code ec, const paystack::charge_result& r,
                     bool interrupted) {
  using paystack::charge_outcome;
  if (!ec && r.outcome == charge_outcome::paid) return exit_ok;
  // A charge cancelled by `charges cancel` replays as not paid (1); a charge this process was
  // interrupted in, as interrupted (130).
  if (r.replayed && r.outcome == charge_outcome::cancelled) return exit_api;
  if (interrupted || r.outcome == charge_outcome::cancelled) return exit_interrupted;
  if (ec == paystack::error::invalid_argument) return exit_usage;
  switch (r.outcome) {
    case charge_outcome::paid:
      return exit_ok;
    case charge_outcome::declined:
    case charge_outcome::terminal_offline:
    case charge_outcome::terminal_busy:
      return exit_api;
    case charge_outcome::not_delivered:
    case charge_outcome::timed_out:
      return exit_network;
    case charge_outcome::failed:
      return ec ? exit_network : exit_api;
    case charge_outcome::cancelled:
      return exit_interrupted;
  }
  return exit_api;
}

}  // namespace cli
